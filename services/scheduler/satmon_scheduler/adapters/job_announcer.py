"""Announcing manual jobs on the jobs topic: the writer owns inference_jobs and records them.

The announcer also remembers what it announced last for each recent job, so that a caller's
GetInferenceJob right after its submission reads its own write before the writer has recorded it
(the submission answers from the announcement itself, never by polling the writer's table).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from confluent_kafka import Producer

from satmon.detection.v1 import events_pb2, job_pb2
from satmon_core.kafka import OutgoingMessage, produce_confirmed

__all__ = ["JobAnnouncer"]


# Jobs remembered: far more than are submitted in the seconds the writer takes to record one.
REMEMBERED_JOBS = 10_000


class JobAnnouncer:
    def __init__(self, producer: Producer, topic: str, remembered: int = REMEMBERED_JOBS) -> None:
        self.producer = producer
        self.topic = topic
        self.remembered = remembered
        self._recent: OrderedDict[str, job_pb2.InferenceJob] = OrderedDict()
        self._lock = threading.Lock()  # gRPC handlers announce from many threads

    def publish(self, update: events_pb2.JobUpdate) -> None:
        """Returns once the broker has the update; TransientError when it does not confirm."""
        produce_confirmed(self.producer, [OutgoingMessage(self.topic, update.SerializeToString(),
                                                          update.job.job_id.encode())], "scheduler")
        with self._lock:
            self._recent[update.job.job_id] = update.job
            self._recent.move_to_end(update.job.job_id)
            while len(self._recent) > self.remembered:
                self._recent.popitem(last=False)

    def announced(self, job_id: str) -> job_pb2.InferenceJob | None:
        """The job as this process last announced it, if it did so recently."""
        with self._lock:
            return self._recent.get(job_id)
