"""Publishing results to the results topic, one message per scored window, keyed by satellite."""

from __future__ import annotations

from confluent_kafka import Producer

from satmon.detection.v1 import events_pb2
from satmon_core.kafka import OutgoingMessage, produce_confirmed

__all__ = ["ResultPublisher"]


class ResultPublisher:
    def __init__(self, producer: Producer, topic: str) -> None:
        self.producer = producer
        self.topic = topic

    def publish(self, messages: list[tuple[list[tuple[str, bytes]], events_pb2.InferenceResult]]) -> None:
        """Publishes (headers, result) pairs; returns once the broker acknowledged every one."""
        produce_confirmed(self.producer, [
            OutgoingMessage(self.topic, result.SerializeToString(), result.satellite_id.encode(), headers)
            for headers, result in messages], "worker")
