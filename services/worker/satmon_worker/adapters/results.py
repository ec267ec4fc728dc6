"""Publishing results to the results topic, one message per scored window, keyed by satellite."""

from __future__ import annotations

import threading

from confluent_kafka import Producer

from satmon.detection.v1 import events_pb2
from satmon_core import metrics
from satmon_core.errors import TransientError

__all__ = ["ResultPublisher"]


class ResultPublisher:
    def __init__(self, producer: Producer, topic: str) -> None:
        self.producer = producer
        self.topic = topic
        self.lock = threading.Lock()

    def publish(self, messages: list[tuple[list[tuple[str, bytes]], events_pb2.InferenceResult]]) -> None:
        """Publishes (headers, result) pairs and waits for the broker's acknowledgement."""
        failures: list = []
        with self.lock:
            for headers, result in messages:
                while True:
                    try:
                        self.producer.produce(self.topic, key=result.satellite_id.encode(),
                                              value=result.SerializeToString(), headers=headers,
                                              on_delivery=lambda err, _msg: err and failures.append(err))
                        break
                    except BufferError:
                        self.producer.poll(0.05)
            remaining = self.producer.flush(30)
        if remaining or failures:
            raise TransientError(f"results not acknowledged: {remaining} pending, {failures[:1]}")
        metrics.MESSAGES_PRODUCED.labels("worker", self.topic).inc(len(messages))
