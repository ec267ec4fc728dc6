"""RoutingService: ingest records over gRPC, report counters."""

from __future__ import annotations

from satmon.telemetry.v1 import routing_service_pb2, routing_service_pb2_grpc
from satmon_core.errors import InvalidArgument, InvalidRecordError, TransientError
from satmon_core.kafka import OutgoingMessage, produce_confirmed
from satmon_core.tracing import kafka_headers
from satmon_core.fleet_registry import FleetRegistry
from satmon_core.validation import validate_envelope, validate_record
from satmon_router.entrypoints.kafka_loop import RouterCounters

__all__ = ["RoutingServicer"]



class RoutingServicer(routing_service_pb2_grpc.RoutingServiceServicer):
    def __init__(self, producer, raw_topic: str, counters: RouterCounters, registry: FleetRegistry) -> None:
        self.producer = producer
        self.registry = registry
        self.raw_topic = raw_topic
        self.counters = counters

    def IngestTelemetry(self, request, context):
        # 1 to 10,000 records with valid satellite ids: declared rules, checked before this runs.
        for index, record in enumerate(request.records):
            try:
                self.check(record)
            except InvalidRecordError as exc:
                raise InvalidArgument(f"records[{index}]", str(exc)) from exc
        headers = kafka_headers()
        try:
            # "Accepted" means the broker acknowledged each record, not that it sits in a local buffer.
            produce_confirmed(self.producer, [
                OutgoingMessage(self.raw_topic, record.SerializeToString(), record.satellite_id.encode(), headers)
                for record in request.records], "router-ingest", timeout=10)
        except TransientError as exc:
            raise TransientError(f"not every record was acknowledged by Kafka: {exc}", reason=exc.reason) from exc
        return routing_service_pb2.IngestTelemetryResponse(accepted_count=len(request.records))

    def check(self, record) -> None:
        """A registered satellite's record is checked against its class now, so the caller hears of a
        mismatch; one not (yet) registered is accepted and dead-lettered by the consume loop if it
        still is not when routed, as records arriving on the raw topic are."""
        validate_envelope(record)
        entry = self.registry.entry(record.satellite_id)
        if entry is not None:
            validate_record(record, entry.spacecraft_class)

    def GetRoutingStats(self, request, context):
        with self.counters.lock:
            return routing_service_pb2.GetRoutingStatsResponse(
                records_consumed=self.counters.records_consumed,
                samples_published=self.counters.samples_published,
                records_dead_lettered=self.counters.records_dead_lettered)
