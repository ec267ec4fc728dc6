"""Wires the writer: its consumer groups, VictoriaMetrics, and the PostgreSQL tables it owns."""

from __future__ import annotations

from satmon_core.config import Settings
from satmon_core.fleet_registry import FleetRegistry
from satmon_core.grpc_server import ServiceProcess
from satmon_core.postgres import ServiceRole, dsn_as
from satmon_core.kafka import BatchLoop, DelayedDurability, loop_liveness, make_consumer, make_producer
from satmon_core.victoria import DURABLE_AFTER_S, VictoriaMetrics
from satmon_mdb import load_mission_database
from satmon_writer.adapters.alerts import AlertStore
from satmon_writer.adapters.ground_truth import GroundTruthStore
from satmon_writer.adapters.jobs import JobRecorder
from satmon_writer.adapters.limit_alerts import LimitAlertStore
from satmon_writer.entrypoints.kafka_loops import GroundTruthWriter, JobWriter, LimitChecker, ResultWriter, TelemetryWriter

__all__ = ["build", "TELEMETRY_GROUP", "LIMITS_GROUP", "RESULTS_GROUP", "JOBS_GROUP", "GROUND_TRUTH_GROUP",
           "TELEMETRY_GATHER_S"]

TELEMETRY_GROUP = "satmon-writer-telemetry"  # reads the subsystem topics (the raw topic before 2026-12-06)
LIMITS_GROUP = "satmon-writer-limits"
RESULTS_GROUP = "satmon-writer-results"
JOBS_GROUP = "satmon-writer-jobs"
GROUND_TRUTH_GROUP = "satmon-writer-groundtruth"

# Raw telemetry waits up to this long to reach VictoriaMetrics, so that each series goes with about this
# many samples at 1 Hz: VictoriaMetrics' CPU per sample against a line per sample is 0.68 at 5, 0.48 at
# 10 and 0.52 at 20 (`bench_victoria_import`, BENCHMARKS.md), so 10 is where it stops paying. Trends
# show a record at most this much later; limit alerts and detection do not wait (their own loops).
TELEMETRY_GATHER_S = 10.0


def build(settings: Settings) -> ServiceProcess:
    vm = VictoriaMetrics(settings.vm_url)
    dsn = dsn_as(settings.pg_dsn, ServiceRole.WRITER)
    alerts = AlertStore(dsn)
    jobs = JobRecorder(dsn)
    ground_truth = GroundTruthStore(dsn)
    limit_alerts = LimitAlertStore(dsn)
    telemetry = TelemetryWriter(vm)
    limits = LimitChecker(FleetRegistry(dsn), limit_alerts)
    producer = make_producer(settings.kafka_bootstrap)

    # Both loops that import into VictoriaMetrics store offsets only once their samples are on its disk.
    durability = DelayedDurability(vm.start_timestamp, DURABLE_AFTER_S)

    liveness = []

    def loop(service: str, group: str, topics: list[str], handler, batch_size: int, writes_vm: bool = True,
             on_revoke=None, gather_s: float = 0.0):
        report = loop_liveness(service, settings.kafka_bootstrap, group, topics)
        liveness.append(report)

        def run(stopping) -> None:
            batch_loop = BatchLoop(service, make_consumer(settings.kafka_bootstrap, group), handler, producer,
                                   settings.dead_letter_topic, batch_size=batch_size,
                                   durability=durability if writes_vm else None, topics=topics, on_revoke=on_revoke,
                                   liveness=report, reconnect=lambda: make_consumer(settings.kafka_bootstrap, group),
                                   gather_s=gather_s)
            batch_loop.stopping = stopping
            batch_loop.run()
        run.__name__ = f"{service}-{group}"
        return run

    # Telemetry is stored as the router routed it (its samples on the subsystem topics): each record is
    # decoded and checked once, by the router, and only what it accepted is stored. Limits read the raw
    # records, which they need whole and at once.
    subsystem_topics = [settings.subsystem_topic(n) for n in load_mission_database().subsystem_names()]
    loops = [loop("writer", TELEMETRY_GROUP, subsystem_topics, telemetry, 10000, gather_s=TELEMETRY_GATHER_S),
             loop("writer", LIMITS_GROUP, [settings.raw_topic], limits, 1000, writes_vm=False,
                  on_revoke=lambda _consumer, _partitions: limits.forget()),
             # Another writer may take results partitions over: their detector states are reloaded from
             # the checkpoints in PostgreSQL, never trusted from this process's memory.
             loop("writer", RESULTS_GROUP, [settings.results_topic], ResultWriter(vm, alerts), 500,
                  on_revoke=lambda _consumer, _partitions: alerts.forget()),
             loop("writer", JOBS_GROUP, [settings.jobs_topic], JobWriter(jobs), 500, writes_vm=False),
             loop("writer", GROUND_TRUTH_GROUP, [settings.ground_truth_topic], GroundTruthWriter(ground_truth), 100,
                  writes_vm=False)]

    return ServiceProcess(
        name="writer", settings=settings,
        loops=loops, liveness=liveness,
        on_stop=[alerts.close, limit_alerts.close, jobs.close, ground_truth.close, lambda: producer.flush(10)])
