"""`python -m satmon_worker`: the Celery worker, plus gRPC health and InferenceService beside it."""

from __future__ import annotations

import os

from grpc_health.v1 import health_pb2

from satmon_core.celery_app import QUEUE, declare_dead_letter_queue
from satmon_core.config import load_settings
from satmon_core.grpc_server import setup_logging, start_grpc_server
from satmon_core.metrics import serve_metrics
from satmon_core.tracing import setup_tracing
from satmon_worker.bootstrap import build_celery, registrations


def main() -> None:
    setup_tracing("satmon-worker")
    settings = load_settings()
    setup_logging("worker", settings)
    app = build_celery(settings)
    declare_dead_letter_queue(app)
    serve_metrics(settings.metrics_port, settings.bind_host)
    server, health = start_grpc_server(settings, registrations(app))
    for name in ("", "satmon.detection.v1.InferenceService"):
        health.set(name, health_pb2.HealthCheckResponse.SERVING)
    try:
        app.worker_main(["worker", "--pool=threads", f"--concurrency={settings.worker_concurrency}", "-Q", QUEUE,
                         "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
                         "-n", f"worker-{os.getpid()}@%h"])
    finally:
        health.enter_graceful_shutdown()
        server.stop(grace=5).wait()


if __name__ == "__main__":
    main()
