"""The worker's use case: one Celery message (a batch of tasks) from bytes to recorded results."""

from __future__ import annotations

from opentelemetry import trace

from satmon.detection.v1 import events_pb2
from satmon_core.tracing import SpanBatch, context_from_carrier, kafka_headers, tracer
from satmon_worker.domain.scoring import Scorer, score_tasks

__all__ = ["process_batch"]


def process_batch(payload: bytes, scorer: Scorer, jobs, publisher) -> int:
    """Scores the batch's tasks that are not already finished; returns how many were scored.

    `jobs` is the writer's read model of inference_jobs. Results are published (and
    acknowledged) before the jobs' updates, so a crash in between re-scores and
    re-publishes (the writer deduplicates) rather than losing a result; a job the
    writer has recorded as finished is skipped on redelivery.
    """
    batch = events_pb2.InferenceTaskBatch.FromString(payload)
    finished = jobs.completed_jobs([t.job_id for t in batch.tasks])
    todo = [t for t in batch.tasks if t.job_id not in finished]
    if not todo:
        return 0
    # Each task's span covers its scoring and the confirmed publication of its results.
    with SpanBatch(tracer("satmon.worker")) as spans:
        task_headers = {}
        for task in todo:
            with spans.current("inference.score", context=context_from_carrier(dict(task.trace_context)),
                               kind=trace.SpanKind.CONSUMER,
                               attributes={"satmon.job_id": task.job_id, "satmon.windows": len(task.windows)}):
                task_headers[id(task)] = kafka_headers()
        scored = score_tasks(todo, scorer)
        messages = [(task_headers[id(task)], r) for task, results in scored.outputs for r in results]
        publisher.publish(messages, scored.jobs)
    return len(todo)
