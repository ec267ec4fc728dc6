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


WORKER_BROKER_HEARTBEAT_S = 15


def main() -> None:
    setup_tracing("satmon-worker")
    settings = load_settings()
    setup_logging("worker", settings)
    app = build_celery(settings)
    # After a RabbitMQ restart with tasks in flight, Celery's consumer can reconnect onto a connection
    # that is already broken and whose event-loop timers no longer run (seen in the fresh-clone
    # suite: "Couldn't ack ... connection already closed", then nothing consumed). Only RabbitMQ
    # closing it for missed heartbeats ends that: with Celery's default 120 s heartbeat, after
    # about 240 s. A 15 s heartbeat ends it in about 30 s; the worker then reconnects cleanly and the
    # unacknowledged tasks are delivered again (finished jobs are skipped).
    app.conf.broker_heartbeat = WORKER_BROKER_HEARTBEAT_S
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
