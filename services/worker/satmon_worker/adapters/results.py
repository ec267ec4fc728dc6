"""Publishing what the worker found: one message per scored window on the results topic (keyed by
satellite), then one JobUpdate per task on the jobs topic (keyed by job), which the writer records."""

from __future__ import annotations

from confluent_kafka import Producer

from satmon.detection.v1 import events_pb2
from satmon_core.kafka import OutgoingMessage, produce_confirmed

__all__ = ["ResultPublisher"]


class ResultPublisher:
    def __init__(self, producer: Producer, results_topic: str, jobs_topic: str) -> None:
        self.producer = producer
        self.results_topic = results_topic
        self.jobs_topic = jobs_topic

    def publish(self, results: list[tuple[list[tuple[str, bytes]], events_pb2.InferenceResult]],
                jobs: list[events_pb2.JobUpdate]) -> None:
        """Publishes (headers, result) pairs, then the jobs' updates; returns once the broker has
        acknowledged every one. Results first: a job recorded as finished is skipped on redelivery,
        so its results must already be safe."""
        produce_confirmed(self.producer, [
            OutgoingMessage(self.results_topic, result.SerializeToString(), result.satellite_id.encode(), headers)
            for headers, result in results], "worker")
        produce_confirmed(self.producer, [
            OutgoingMessage(self.jobs_topic, update.SerializeToString(), update.job.job_id.encode(), [])
            for update in jobs], "worker")
