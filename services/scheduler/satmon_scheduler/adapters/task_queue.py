"""Sending inference tasks through Celery on RabbitMQ, with trace context in the task headers."""

from __future__ import annotations

from celery import Celery

from satmon.detection.v1 import events_pb2
from satmon_core import metrics
from satmon_core.celery_app import SCORE_TASK, encode_payload
from satmon_core.errors import TransientError
from satmon_core.topics import SUBSYSTEMS
from satmon_core.tracing import carrier

__all__ = ["TaskQueue", "TASKS_PER_MESSAGE"]

# Windows grouped per Celery message: fewer, larger messages for throughput.
TASKS_PER_MESSAGE = 64


class TaskQueue:
    def __init__(self, app: Celery) -> None:
        self.app = app

    def send(self, pending: list[events_pb2.InferenceTask]) -> None:
        """Publishes the pending tasks, TASKS_PER_MESSAGE per message, each with a publisher confirm,
        removing a message's tasks from `pending` only once RabbitMQ has confirmed it. Raises
        TransientError with the unconfirmed rest still in `pending`, so a retry sends exactly those."""
        while pending:
            chunk = pending[:TASKS_PER_MESSAGE]
            batch = events_pb2.InferenceTaskBatch(tasks=chunk)
            try:
                self.app.send_task(SCORE_TASK, args=[encode_payload(batch.SerializeToString())], headers=carrier(),
                                   retry=True, retry_policy={"max_retries": 5, "interval_start": 0.2,
                                                             "interval_step": 0.5, "interval_max": 2})
            except Exception as exc:  # noqa: BLE001 - kombu raises many connection error types
                raise TransientError(f"publishing to RabbitMQ failed: {exc}", reason="QUEUE_UNAVAILABLE") from exc
            del pending[:len(chunk)]
            self._count(chunk)

    @staticmethod
    def _count(tasks: list[events_pb2.InferenceTask]) -> None:
        for task in tasks:
            for window in task.windows:
                metrics.WINDOWS_SCHEDULED.labels(SUBSYSTEMS[window.subsystem]).inc()
            if task.trigger_reason:
                metrics.RULE_TRIGGERS.labels(task.trigger_reason).inc()
