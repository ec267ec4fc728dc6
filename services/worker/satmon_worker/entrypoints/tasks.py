"""The Celery task: thin over process_batch; transient failures retry with backoff."""

from __future__ import annotations

from celery import Celery

from satmon_core.celery_app import SCORE_TASK, decode_payload
from satmon_core.errors import TransientError
from satmon_core.tracing import context_from_carrier, tracer
from satmon_worker.domain.process import process_batch

__all__ = ["register_tasks"]


def register_tasks(app: Celery, dependencies) -> None:
    """`dependencies()` returns (scorer, jobs read model, publisher), built once per worker process."""

    @app.task(name=SCORE_TASK, bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
    def score_windows(self, payload: str) -> int:
        headers = {k: v for k, v in (self.request.headers or {}).items() if isinstance(v, str)}
        headers.setdefault("traceparent", getattr(self.request, "traceparent", None) or "")
        with tracer("satmon.worker").start_as_current_span("celery.score_windows",
                                                           context=context_from_carrier(headers)):
            try:
                return process_batch(decode_payload(payload), *dependencies())
            except TransientError as exc:
                delay = min(2 ** min(self.request.retries, 5) * 0.5, 15)
                raise self.retry(exc=exc, countdown=delay) from exc
