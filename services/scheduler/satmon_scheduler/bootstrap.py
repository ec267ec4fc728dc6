"""Wires the scheduler: window state, Celery sender, consume loop, SchedulingService."""

from __future__ import annotations


from satmon.detection.v1 import scheduling_service_pb2, scheduling_service_pb2_grpc
from satmon_core.celery_app import make_celery
from satmon_core.config import Settings
from satmon_core.fleet_registry import FleetRegistry
from satmon_core.grpc_server import Registration, ServiceProcess
from satmon_core.job_queries import JobQueries
from satmon_core.kafka import BatchLoop, loop_liveness, make_consumer, make_producer
from satmon_core.postgres import ServiceRole, dsn_as
from satmon_mdb import load_mission_database
from satmon_core.victoria import VictoriaMetrics
from satmon_scheduler.adapters.job_announcer import JobAnnouncer
from satmon_scheduler.adapters.task_queue import TaskQueue
from satmon_scheduler.adapters.telemetry_source import TelemetrySource
from satmon_scheduler.domain.scheduler import StreamScheduler
from satmon_scheduler.domain.windows import WindowSpec
from satmon_scheduler.entrypoints.grpc_api import SchedulingServicer
from satmon_scheduler.entrypoints.kafka_loop import SchedulerHandler

__all__ = ["build", "window_specs"]

GROUP = "satmon-scheduler"
# How long a consumed batch waits to fill. The windows a batch closes are sent together, sorted by model,
# and the worker asks Triton once per model of a message: at 1,000 satellites, batches that took only
# what had arrived sent 4-5 windows per request; Triton's and the worker's cost is mostly per request.
# Windows wait up to this much longer. At most BATCH_MESSAGES messages: a message carries the samples
# that one router batch routed to one partition, from a few (the router takes what has arrived) to
# about 80 (a full batch of 500 records over six partitions); at 1,000 SMAP satellites the router
# sends a few hundred messages a second, so the gather, not this bound, ends a batch. A bound of 60
# messages ended batches after about 300 samples and sent Triton small requests again (p50 latency
# 0.4 -> 5.8 s).
GATHER_S = 0.5
BATCH_MESSAGES = 1000


def window_specs(settings: Settings) -> dict[str, WindowSpec]:
    """Overrides of the mission database's windows, by subsystem name (SATMON_WINDOW_SPECS)."""
    return {name: WindowSpec(size=size, stride=stride) for name, size, stride in settings.window_overrides}


def build(settings: Settings) -> ServiceProcess:
    queue = TaskQueue(make_celery(settings.amqp_url))
    handler = SchedulerHandler(settings, StreamScheduler(window_specs(settings)), queue)
    topics = [settings.subsystem_topic(n) for n in load_mission_database().subsystem_names()]
    store = JobQueries(dsn_as(settings.pg_dsn, ServiceRole.SCHEDULER))

    liveness = loop_liveness("scheduler", settings.kafka_bootstrap, GROUP, topics)

    def new_consumer():
        # Range assignment gives one scheduler the same partition of every subsystem topic, so it sees
        # every subsystem of its satellites (records are keyed by satellite): rule jobs need that.
        return make_consumer(settings.kafka_bootstrap, GROUP, **{"partition.assignment.strategy": "range"})

    def consume(stopping) -> None:
        consumer = new_consumer()
        # A batch gathers up to GATHER_S of samples (at most BATCH_MESSAGES): the windows it closes go out
        # together, so each model's windows reach Triton as one larger request (see GATHER_S).
        loop = BatchLoop("scheduler", consumer, handler, make_producer(settings.kafka_bootstrap),
                         settings.dead_letter_topic, batch_size=BATCH_MESSAGES, store=handler.store_offsets,
                         topics=topics, on_revoke=handler.revoked, liveness=liveness, reconnect=new_consumer,
                         gather_s=GATHER_S)
        loop.stopping = stopping
        loop.run()

    announcer = JobAnnouncer(make_producer(settings.kafka_bootstrap), settings.jobs_topic)
    servicer = SchedulingServicer(store, announcer, queue, TelemetrySource(VictoriaMetrics(settings.vm_url)),
                                  FleetRegistry(dsn_as(settings.pg_dsn, ServiceRole.SCHEDULER)))
    name = scheduling_service_pb2.DESCRIPTOR.services_by_name["SchedulingService"].full_name
    return ServiceProcess(
        name="scheduler", settings=settings,
        registrations=[Registration(scheduling_service_pb2_grpc.add_SchedulingServiceServicer_to_server, servicer,
                                    name)],
        loops=[consume], liveness=[liveness], on_stop=[store.close])
