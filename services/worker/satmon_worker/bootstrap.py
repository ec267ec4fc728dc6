"""Wires the worker: Celery app, Triton scorer, jobs read model, result publisher, gRPC API, and the
liveness of its queue consumer. Celery's worker owns the main thread (it handles the signals); the
gRPC server, the watchdog and the queue's lag reporter run beside it."""

from __future__ import annotations

import functools
import os
import threading

from celery import Celery

from satmon.detection.v1 import inference_service_pb2, inference_service_pb2_grpc
from satmon_core.celery_app import QUEUE, declare_dead_letter_queue, make_celery
from satmon_core.celery_liveness import QueueConsumerWatch, liveness_step, queue_liveness, report_queue_lag
from satmon_core.config import Settings
from satmon_core.grpc_server import Registration, ServiceProcess
from satmon_core.job_queries import JobQueries
from satmon_core.kafka import make_producer
from satmon_core.postgres import ServiceRole, dsn_as
from satmon_worker.adapters.results import ResultPublisher
from satmon_worker.adapters.triton import TritonScorer
from satmon_worker.entrypoints.grpc_api import InferenceServicer
from satmon_worker.entrypoints.tasks import register_tasks

__all__ = ["build", "build_celery", "watch_queue_consumer", "registrations"]

# After a RabbitMQ restart with tasks in flight, Celery's consumer can reconnect onto a connection that
# is already broken and whose event-loop timers no longer run (seen in the fresh-clone suite: "Couldn't
# ack ... connection already closed", then nothing consumed). Only RabbitMQ closing it for missed
# heartbeats ends that: with Celery's default 120 s heartbeat, after about 240 s. A 15 s heartbeat ends
# it in about 30 s; the worker then reconnects cleanly and the unacknowledged tasks are delivered again
# (finished jobs are skipped).
WORKER_BROKER_HEARTBEAT_S = 15


def build(settings: Settings) -> ServiceProcess:
    app = build_celery(settings)
    app.conf.broker_heartbeat = WORKER_BROKER_HEARTBEAT_S
    declare_dead_letter_queue(app)
    watch = watch_queue_consumer(app, settings)

    def report_lag(stopping: threading.Event) -> None:
        report_queue_lag(watch, watch.liveness.group_view, stopping)

    def consume() -> None:
        app.worker_main(["worker", "--pool=threads", f"--concurrency={settings.worker_concurrency}", "-Q", QUEUE,
                         "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
                         "-n", f"worker-{os.getpid()}@%h"])

    return ServiceProcess(name="worker", settings=settings, registrations=registrations(app), loops=[report_lag],
                          liveness=[watch.liveness], foreground=consume)


def build_celery(settings: Settings) -> Celery:
    app = make_celery(settings.amqp_url)

    @functools.cache
    def dependencies():
        return (TritonScorer(settings.triton_url), JobQueries(dsn_as(settings.pg_dsn, ServiceRole.WORKER), max_size=2),
                ResultPublisher(make_producer(settings.kafka_bootstrap), settings.results_topic, settings.jobs_topic))

    register_tasks(app, dependencies)
    app.satmon_dependencies = dependencies  # type: ignore[attr-defined]
    return app


def watch_queue_consumer(app: Celery, settings: Settings) -> QueueConsumerWatch:
    """Adds the consumer bootstep that reports (and repairs) the consumption of the worker's queue,
    and returns its watch, for the Watchdog (satmon_core.celery_liveness)."""
    watch = QueueConsumerWatch(queue_liveness("worker", settings.amqp_url, QUEUE), QUEUE)
    app.steps["consumer"].add(liveness_step(watch))
    return watch


def registrations(app: Celery) -> list[Registration]:
    servicer = InferenceServicer(lambda: app.satmon_dependencies()[0])
    name = inference_service_pb2.DESCRIPTOR.services_by_name["InferenceService"].full_name
    return [Registration(inference_service_pb2_grpc.add_InferenceServiceServicer_to_server, servicer, name)]
