"""The router's consume loop: validate, split, publish in batches per partition, then store offsets."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from confluent_kafka import Message, Producer
from opentelemetry import trace

from satmon_core.config import Settings
from satmon_core.errors import InvalidRecordError, TransientError
from satmon_core.fleet_registry import FleetRegistry
from satmon_core.kafka import DeadLetter, OutgoingMessage, key_partition, produce_confirmed
from satmon_core.tracing import SpanBatch, carrier, context_from_kafka, tracer
from satmon_core.validation import decode_record, registered_record
from satmon_router.domain.routing import SampleBatches, split_record

__all__ = ["RouterHandler", "RouterCounters"]

METADATA_TIMEOUT_S = 10.0


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
        self.partition_counts: dict[str, int] = {}

    def __call__(self, messages: list[Message]) -> list[DeadLetter]:
        rejects: list[DeadLetter] = []
        batches = SampleBatches()
        with SpanBatch(self.tracer) as spans:  # each record's span lasts until its samples are confirmed
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
                    trace_context = carrier()
                # Every sample of a satellite goes to the partition its id as a key would pick, so its
                # subsystem streams stay in order and with one scheduler, as with a message each.
                key = record.satellite_id.encode()
                for subsystem, sample in split_record(record, registered.models, registered.spacecraft_class,
                                                      trace_context):
                    topic = self.settings.subsystem_topic(subsystem)
                    batches.add(topic, key_partition(key, self._partitions(topic)), sample)
            produce_confirmed(self.producer, [OutgoingMessage(topic, value, partition=partition)
                                              for topic, partition, value in batches.encoded()], "router")
        with self.counters.lock:
            self.counters.records_consumed += len(messages)
            self.counters.samples_published += len(batches)
            self.counters.records_dead_lettered += len(rejects)
        return rejects

    def _partitions(self, topic: str) -> int:
        """The topic's partition count, asked of the broker once (satmon creates its topics at start;
        adding partitions later moves keys for any producer, this one included, so it means a restart)."""
        count = self.partition_counts.get(topic)
        if count is None:
            try:
                metadata = self.producer.list_topics(topic, timeout=METADATA_TIMEOUT_S).topics[topic]
            except Exception as exc:  # noqa: BLE001 - KafkaException, or a timeout while the broker is away
                raise TransientError(f"partitions of {topic}: {exc}", reason="KAFKA_UNAVAILABLE") from exc
            if metadata.error is not None or not metadata.partitions:
                raise TransientError(f"partitions of {topic}: {metadata.error}", reason="KAFKA_UNAVAILABLE")
            count = self.partition_counts[topic] = len(metadata.partitions)
        return count
