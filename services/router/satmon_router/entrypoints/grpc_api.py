"""RoutingService: ingest records over gRPC, report counters."""

from __future__ import annotations

import grpc

from satmon.telemetry.v1 import routing_service_pb2, routing_service_pb2_grpc
from satmon_core.errors import InvalidRecordError
from satmon_core.grpc_errors import abort_invalid
from satmon_core.tracing import kafka_headers
from satmon_core.validation import validate_record
from satmon_router.entrypoints.kafka_loop import RouterCounters

__all__ = ["RoutingServicer"]

MAX_RECORDS = 10_000


class RoutingServicer(routing_service_pb2_grpc.RoutingServiceServicer):
    def __init__(self, producer, raw_topic: str, counters: RouterCounters) -> None:
        self.producer = producer
        self.raw_topic = raw_topic
        self.counters = counters

    def IngestTelemetry(self, request, context):
        if not request.records:
            abort_invalid(context, "records", "at least one record is required")
        if len(request.records) > MAX_RECORDS:
            abort_invalid(context, "records", f"at most {MAX_RECORDS} records per call")
        for index, record in enumerate(request.records):
            try:
                validate_record(record)
            except InvalidRecordError as exc:
                abort_invalid(context, f"records[{index}]", str(exc))
        headers = kafka_headers()
        for record in request.records:
            self.producer.produce(self.raw_topic, key=record.satellite_id.encode(), value=record.SerializeToString(),
                                  headers=headers)
        if self.producer.flush(10):
            context.abort(grpc.StatusCode.UNAVAILABLE, "the Kafka broker did not acknowledge every record")
        return routing_service_pb2.IngestTelemetryResponse(accepted_count=len(request.records))

    def GetRoutingStats(self, request, context):
        with self.counters.lock:
            return routing_service_pb2.GetRoutingStatsResponse(
                records_consumed=self.counters.records_consumed,
                samples_published=self.counters.samples_published,
                records_dead_lettered=self.counters.records_dead_lettered)
