"""Announcing manual jobs on the jobs topic: the writer owns inference_jobs and records them."""

from __future__ import annotations

from confluent_kafka import Producer

from satmon.detection.v1 import events_pb2
from satmon_core.kafka import OutgoingMessage, produce_confirmed

__all__ = ["JobAnnouncer"]


class JobAnnouncer:
    def __init__(self, producer: Producer, topic: str) -> None:
        self.producer = producer
        self.topic = topic

    def publish(self, update: events_pb2.JobUpdate) -> None:
        """Returns once the broker has the update; TransientError when it does not confirm."""
        produce_confirmed(self.producer, [OutgoingMessage(self.topic, update.SerializeToString(),
                                                          update.job.job_id.encode())], "scheduler")
