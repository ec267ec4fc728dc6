"""`python -m satmon_worker`: the Celery worker, plus gRPC health and InferenceService beside it.

Health follows the liveness of the worker's queue consumer (satmon_core.celery_liveness): NOT_SERVING
while it is judged stalled or wedged, SERVING again once repaired; a consumer not repaired in time
ends the process so the keeper restarts it.
"""

from __future__ import annotations

import logging
import os
import sys
import threading

from satmon_core.celery_app import QUEUE, declare_dead_letter_queue
from satmon_core.celery_liveness import watch_in_background
from satmon_core.config import load_settings
from satmon_core.grpc_server import health_setter, setup_logging, start_grpc_server
from satmon_core.metrics import serve_metrics
from satmon_core.tracing import setup_tracing
from satmon_worker.bootstrap import build_celery, registrations, watch_queue_consumer

log = logging.getLogger("satmon_worker")

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
    watch = watch_queue_consumer(app, settings)
    serve_metrics(settings.metrics_port, settings.bind_host)
    served = registrations(app)
    server, health = start_grpc_server(settings, served)
    set_health = health_setter(health, [reg.full_name for reg in served])
    set_health(True)

    def give_up(why: str) -> None:
        # Celery owns the main thread, and a wedged event loop would never finish a warm shutdown:
        # exit at once. Tasks in flight are unacknowledged, so RabbitMQ hands them out again.
        log.error("the queue consumer could not be repaired (%s): exiting so the keeper restarts the process", why)
        set_health(False)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(1)

    stopping = threading.Event()
    watch_in_background(watch, set_health, give_up, stopping)
    try:
        app.worker_main(["worker", "--pool=threads", f"--concurrency={settings.worker_concurrency}", "-Q", QUEUE,
                         "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
                         "-n", f"worker-{os.getpid()}@%h"])
    finally:
        stopping.set()
        health.enter_graceful_shutdown()
        server.stop(grace=5).wait()


if __name__ == "__main__":
    main()
