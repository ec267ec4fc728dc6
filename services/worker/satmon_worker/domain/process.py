"""The worker's use case: one Celery message (a batch of tasks) from bytes to recorded results."""

from __future__ import annotations

from opentelemetry import trace

from satmon.detection.v1 import events_pb2
from satmon_core.tracing import context_from_carrier, kafka_headers, tracer
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
    span_tracer = tracer("satmon.worker")
    scored = score_tasks(todo, scorer)
    outputs = scored.outputs
    messages = []
    for task, results in outputs:
        with span_tracer.start_as_current_span("inference.score", context=context_from_carrier(dict(task.trace_context)),
                                               kind=trace.SpanKind.CONSUMER,
                                               attributes={"satmon.job_id": task.job_id,
                                                           "satmon.windows": len(task.windows)}):
            headers = kafka_headers()
        messages.extend((headers, r) for r in results)
    publisher.publish(messages, scored.jobs)
    return len(todo)
