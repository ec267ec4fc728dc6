"""RoutingService: ingest records over gRPC, report counters."""

from __future__ import annotations

import grpc

from satmon.telemetry.v1 import routing_service_pb2, routing_service_pb2_grpc
from satmon_core.errors import InvalidRecordError, TransientError
from satmon_core.grpc_errors import abort_invalid
from satmon_core.kafka import OutgoingMessage, produce_confirmed
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
        try:
            # "Accepted" means the broker acknowledged each record, not that it sits in a local buffer.
            produce_confirmed(self.producer, [
                OutgoingMessage(self.raw_topic, record.SerializeToString(), record.satellite_id.encode(), headers)
                for record in request.records], "router-ingest", timeout=10)
        except TransientError as exc:
            context.abort(grpc.StatusCode.UNAVAILABLE, f"not every record was acknowledged by Kafka, retry: {exc}")
        return routing_service_pb2.IngestTelemetryResponse(accepted_count=len(request.records))

    def GetRoutingStats(self, request, context):
        with self.counters.lock:
            return routing_service_pb2.GetRoutingStatsResponse(
                records_consumed=self.counters.records_consumed,
                samples_published=self.counters.samples_published,
                records_dead_lettered=self.counters.records_dead_lettered)
