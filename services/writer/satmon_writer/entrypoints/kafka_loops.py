"""The writer's consume loops: raw telemetry, inference results, jobs and ground truth."""

from __future__ import annotations

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
from satmon_mdb import load_mission_database
from satmon_writer.adapters.alerts import AlertStore
from satmon_writer.adapters.ground_truth import GroundTruthStore
from satmon_writer.adapters.jobs import JobRecorder
from satmon_writer.domain.samples import record_lines, result_lines
from satmon_writer.domain.validation import decode_job_update, decode_result

__all__ = ["TelemetryWriter", "ResultWriter", "JobWriter", "GroundTruthWriter", "import_isolating_rejects"]


def import_isolating_rejects(vm: VictoriaMetrics, batch: list[tuple[Message, list[str]]]) -> list[DeadLetter]:
    """Imports every message's lines; if VictoriaMetrics refuses the batch (a 4xx), imports message
    by message so that only the messages it refuses are dead-lettered, with its answer as the reason.
    A TransientError propagates: the loop retries the whole batch, and re-imported samples land on
    the same series and timestamps."""
    try:
        vm.import_lines([line for _, lines in batch for line in lines])
        metrics.SINK_WRITES.labels("victoria-metrics").inc(sum(len(lines) for _, lines in batch))
        return []
    except RejectedError:
        pass
    rejects = []
    for msg, lines in batch:
        try:
            vm.import_lines(lines)
            metrics.SINK_WRITES.labels("victoria-metrics").inc(len(lines))
        except RejectedError as exc:
            rejects.append(DeadLetter(msg, "victoria_metrics_rejected", str(exc)))
    return rejects


class TelemetryWriter:
    """Raw records -> smap_feature and satellite_* series, and limit alerts.

    Invalid raw records and records of unknown satellites are dead-lettered once,
    by the router; here they are counted in satmon_invalid_skipped_total and
    skipped, so nothing the router refuses is stored.

    Limit transitions are written to PostgreSQL before the samples go to VictoriaMetrics: a batch
    retried after a VictoriaMetrics failure finds its transitions done (the monitor skips records
    it has seen), and one retried after a PostgreSQL failure starts from the store's open alerts.
    """

    def __init__(self, vm: VictoriaMetrics, registry: FleetRegistry, limit_alerts: LimitAlertStore,
                 on_alerts=lambda ids: None) -> None:
        self.vm = vm
        self.registry = registry
        self.limit_alerts = limit_alerts
        self.on_alerts = on_alerts
        self.monitor: LimitMonitor | None = None  # seeded from the store on first use and after a failure

    def forget(self) -> None:
        """Partitions moved: another writer may have moved the limit alerts on meanwhile."""
        self.monitor = None

    def __call__(self, messages: list[Message]) -> list[DeadLetter]:
        if self.monitor is None:
            monitor = LimitMonitor()
            monitor.seed(self.limit_alerts.open_levels())  # TransientError while PostgreSQL is away
            self.monitor = monitor
        batch: list[tuple[Message, list[str]]] = []
        events = []
        for msg in messages:
            try:
                record = decode_record(msg.value())
                registered = registered_record(record, self.registry)  # TransientError while PostgreSQL is away
            except InvalidRecordError as exc:
                metrics.INVALID_SKIPPED.labels("writer", exc.reason).inc()
                continue
            events += self.monitor.check(record.satellite_id, record.sample_time.ToNanoseconds(), record.sequence,
                                         record.frames, registered.subsystems)
            batch.append((msg, record_lines(record, registered.subsystems)))
        if events:
            try:
                touched = self.limit_alerts.apply(events)
            except Exception:
                self.monitor = None
                raise
            self.on_alerts(touched)
        return import_isolating_rejects(self.vm, batch)


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
            refused = import_isolating_rejects(self.vm, [(msg, result_lines(result)) for msg, result in scored])
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
