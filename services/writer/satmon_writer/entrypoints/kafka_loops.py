"""The writer's consume loops: raw telemetry, inference results, jobs and ground truth."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import TypeVar

from confluent_kafka import Message
from opentelemetry import trace

from satmon_core import metrics
from satmon_core.errors import InvalidRecordError, RejectedError
from satmon_core.fleet_registry import FleetRegistry
from satmon_core.kafka import DeadLetter
from satmon_core.tracing import SpanBatch, context_from_kafka, tracer
from satmon_writer.adapters.limit_alerts import LimitAlertStore
from satmon_writer.domain.limits import LimitMonitor
from satmon_core.validation import decode, decode_record, registered_record
from satmon_core.victoria import VictoriaMetrics
from satmon.telemetry.v1 import events_pb2 as telemetry_events
from satmon_mdb import MissionDatabaseError, load_mission_database
from satmon_writer.adapters.alerts import AlertStore
from satmon_writer.adapters.ground_truth import GroundTruthStore
from satmon_writer.adapters.jobs import JobRecorder
from satmon_writer.domain.samples import batch_error, result_series, telemetry_series
from satmon_writer.domain.validation import decode_job_update, decode_result

T = TypeVar("T")

__all__ = ["TelemetryWriter", "LimitChecker", "ResultWriter", "JobWriter", "GroundTruthWriter", "import_isolating_rejects"]


def import_isolating_rejects(write: Callable[[list[str]], None], batch: list[tuple[Message, T]],
                             lines: Callable[[list[T]], list[str]]) -> list[DeadLetter]:
    """Writes the lines of every message's item (`lines` of them all at once, so that a series spread
    over many messages is one line); if VictoriaMetrics refuses the batch (a 4xx), writes message by
    message so that only the messages it refuses are dead-lettered, with its answer as the reason.
    A TransientError propagates: the loop retries the whole batch, and re-imported samples land on
    the same series and timestamps."""
    try:
        written = lines([item for _, item in batch])
        write(written)
        metrics.SINK_WRITES.labels("victoria-metrics").inc(len(written))
        return []
    except RejectedError:
        pass
    rejects = []
    for msg, item in batch:
        try:
            written = lines([item])
            write(written)
            metrics.SINK_WRITES.labels("victoria-metrics").inc(len(written))
        except RejectedError as exc:
            rejects.append(DeadLetter(msg, "victoria_metrics_rejected", str(exc)))
    return rejects


class TelemetryWriter:
    """The router's samples -> smap_feature, telemetry_value and satellite_* series in VictoriaMetrics.

    It stores what the router routed (SubsystemSampleBatch on the subsystem topics), so each record is
    decoded and checked against its class once, by the router, and a record the router dead-lettered
    is never stored. Reading the raw records again cost this loop 38 us a record to decode and check,
    against 8 to read the samples (1,000 SMAP satellites send 1,000 a second).

    Its loop gathers several seconds of samples per batch (TELEMETRY_GATHER_S in the bootstrap), so
    each series goes to VictoriaMetrics once with several samples; limit checks, which must not wait
    for that, read the raw records in their own loop (LimitChecker)."""

    def __init__(self, vm: VictoriaMetrics) -> None:
        self.vm = vm

    def __call__(self, messages: list[Message]) -> list[DeadLetter]:
        rejects, batch = [], []
        for msg in messages:
            payload = msg.value() or b""
            if (error := batch_error(payload)) is None:
                batch.append((msg, payload))
            else:  # nothing the router writes; dead-lettered, not stuck on
                rejects.append(DeadLetter(msg, "undecodable", error))
        return rejects + import_isolating_rejects(self.vm.import_series, batch, telemetry_series)


@lru_cache(maxsize=None)
def _has_limits(spacecraft_class: str) -> bool:
    try:
        return any(view.limited for view in load_mission_database().subsystems(spacecraft_class))
    except MissionDatabaseError:
        return True  # an unknown class: the record's validation says what is wrong


class LimitChecker:
    """Raw records -> limit alerts (the mission database's yellow and red limits), as they arrive.

    Limit transitions are written to PostgreSQL as each batch is checked: a batch retried after a
    PostgreSQL failure starts from the store's open alerts, and the monitor skips records it has seen.
    """

    def __init__(self, registry: FleetRegistry, limit_alerts: LimitAlertStore, on_alerts=lambda ids: None) -> None:
        self.registry = registry
        self.limit_alerts = limit_alerts
        self.on_alerts = on_alerts
        self.monitor: LimitMonitor | None = None  # seeded from the store on first use and after a failure

    def forget(self) -> None:
        """Partitions moved: another writer may have moved the limit alerts on meanwhile."""
        self.monitor = None

    def _limited(self, messages: list[Message]) -> Iterator[telemetry_events.TelemetryRecord]:
        """The records of satellites whose class has limits at all: the others cannot raise a limit
        alert, and validating them for nothing was nearly all of this loop's cost (py-spy) with SMAP's classes,
        which declare none. Records of satellites not registered go on, to be judged invalid. Invalid
        records are dead-lettered once, by the router; here those seen are counted in
        satmon_invalid_skipped_total and skipped."""
        for msg in messages:
            try:
                record = decode_record(msg.value())
            except InvalidRecordError as exc:
                metrics.INVALID_SKIPPED.labels("writer", exc.reason).inc()
                continue
            entry = self.registry.entry(record.satellite_id)
            if entry is None or _has_limits(entry.spacecraft_class):
                yield record

    def __call__(self, messages: list[Message]) -> list[DeadLetter]:
        if self.monitor is None:
            monitor = LimitMonitor()
            monitor.seed(self.limit_alerts.open_levels())  # TransientError while PostgreSQL is away
            self.monitor = monitor
        events = []
        for record in self._limited(messages):
            try:
                registered = registered_record(record, self.registry)  # TransientError while PostgreSQL is away
            except InvalidRecordError as exc:
                metrics.INVALID_SKIPPED.labels("writer", exc.reason).inc()
                continue
            events += self.monitor.check(record.satellite_id, record.sample_time.ToNanoseconds(), record.sequence,
                                         record.frames, registered.subsystems)
        if events:
            try:
                touched = self.limit_alerts.apply(events)
            except Exception:
                self.monitor = None
                raise
            self.on_alerts(touched)
        return []


class ResultWriter:
    """Results -> smap_prediction, inference_* series, and alerts in PostgreSQL."""

    def __init__(self, vm: VictoriaMetrics, alerts: AlertStore, on_alerts=lambda ids, results: None) -> None:
        self.vm = vm
        self.alerts = alerts
        self.on_alerts = on_alerts
        self.tracer = tracer("satmon.writer")

    def __call__(self, messages: list[Message]) -> list[DeadLetter]:
        rejects: list[DeadLetter] = []
        scored: list[tuple[Message, object]] = []
        with SpanBatch(self.tracer) as spans:  # each result's span lasts until the batch is written
            for msg in messages:
                try:
                    result = decode_result(msg.value())
                except InvalidRecordError as exc:
                    rejects.append(DeadLetter(msg, exc.reason, exc.detail))
                    continue
                spans.start("result.write", context=context_from_kafka(msg.headers()), kind=trace.SpanKind.CONSUMER,
                            attributes={"satmon.job_id": result.job_id, "satmon.satellite_id": result.satellite_id})
                scored.append((msg, result))
            refused = import_isolating_rejects(self.vm.import_series, scored, result_series)
            refused_messages = {id(r.message) for r in refused}
            results = [result for msg, result in scored if id(msg) not in refused_messages]
            touched = self.alerts.record(results, publish_flags=self._import_flags)
        self.on_alerts(touched, results)
        return rejects + refused

    def _import_flags(self, lines: list[str]) -> None:
        if lines:
            self.vm.import_lines(lines)


class JobWriter:
    """Job updates (pending from the scheduler, outcomes from the worker) -> inference_jobs."""

    def __init__(self, jobs: JobRecorder) -> None:
        self.jobs = jobs

    def __call__(self, messages: list[Message]) -> list[DeadLetter]:
        rejects, updates = [], []
        for msg in messages:
            try:
                updates.append(decode_job_update(msg.value()))
            except InvalidRecordError as exc:
                rejects.append(DeadLetter(msg, exc.reason, exc.detail))
        self.jobs.record(updates)
        return rejects


class GroundTruthWriter:
    """Labels of replayed streams -> PostgreSQL, for scoring live alerts (never to the detector)."""

    def __init__(self, store: GroundTruthStore) -> None:
        self.store = store

    def __call__(self, messages: list[Message]) -> list[DeadLetter]:
        rejects, truths = [], []
        for msg in messages:
            try:
                truth = decode(telemetry_events.GroundTruth, msg.value())
            except InvalidRecordError as exc:
                rejects.append(DeadLetter(msg, exc.reason, exc.detail))
                continue
            if not truth.satellite_id or truth.subsystem not in load_mission_database().subsystem_names() or not truth.HasField("stream_start_time"):
                rejects.append(DeadLetter(msg, "missing_identity", "satellite_id, subsystem and stream_start_time"))
                continue
            truths.append(truth)
        self.store.record(truths)
        return rejects
