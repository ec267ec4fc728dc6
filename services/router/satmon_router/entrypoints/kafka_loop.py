"""The router's consume loop: validate, split, publish, then store offsets."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from confluent_kafka import Message, Producer
from opentelemetry import trace

from satmon_core.config import Settings
from satmon_core.errors import InvalidRecordError
from satmon_core.fleet_registry import FleetRegistry
from satmon_core.kafka import DeadLetter, OutgoingMessage, produce_confirmed
from satmon_core.tracing import SpanBatch, context_from_kafka, kafka_headers, tracer
from satmon_core.validation import decode_record, registered_record
from satmon_router.domain.routing import split_record

__all__ = ["RouterHandler", "RouterCounters"]


@dataclass
class RouterCounters:
    records_consumed: int = 0
    samples_published: int = 0
    records_dead_lettered: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class RouterHandler:
    def __init__(self, settings: Settings, producer: Producer, registry: FleetRegistry, counters: RouterCounters) -> None:
        self.settings = settings
        self.producer = producer
        self.registry = registry
        self.counters = counters
        self.tracer = tracer("satmon.router")

    def __call__(self, messages: list[Message]) -> list[DeadLetter]:
        rejects: list[DeadLetter] = []
        outgoing: list[OutgoingMessage] = []
        with SpanBatch(self.tracer) as spans:  # each record's span lasts until its slices are confirmed
            for msg in messages:
                try:
                    record = decode_record(msg.value())
                    registered = registered_record(record, self.registry)
                except InvalidRecordError as exc:
                    rejects.append(DeadLetter(msg, exc.reason, exc.detail))
                    continue
                with spans.current("telemetry.route", context=context_from_kafka(msg.headers()),
                                   kind=trace.SpanKind.CONSUMER,
                                   attributes={"satmon.satellite_id": record.satellite_id,
                                               "satmon.sequence": record.sequence}):
                    produced_ns = dict(msg.headers() or []).get("satmon-produced-ns", b"").decode()
                    headers = kafka_headers({"satmon-produced-ns": produced_ns} if produced_ns else None)
                    outgoing.extend(OutgoingMessage(self.settings.subsystem_topic(subsystem), sample,
                                                    record.satellite_id.encode(), headers)
                                    for subsystem, sample in split_record(record, registered.models,
                                                                          registered.spacecraft_class))
            produce_confirmed(self.producer, outgoing, "router")
        with self.counters.lock:
            self.counters.records_consumed += len(messages)
            self.counters.samples_published += len(outgoing)
            self.counters.records_dead_lettered += len(rejects)
        return rejects
