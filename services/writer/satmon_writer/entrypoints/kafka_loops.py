"""The writer's two consume loops: raw telemetry and inference results."""

from __future__ import annotations

from confluent_kafka import Message
from google.protobuf.message import DecodeError
from opentelemetry import trace

from satmon_core import metrics
from satmon_core.errors import InvalidRecordError
from satmon_core.kafka import DeadLetter
from satmon_core.tracing import context_from_kafka, tracer
from satmon_core.validation import decode_record, validate_record
from satmon_core.victoria import VictoriaMetrics
from satmon.telemetry.v1 import events_pb2 as telemetry_events
from satmon_core.topics import SUBSYSTEMS
from satmon_writer.adapters.alerts import AlertStore
from satmon_writer.adapters.ground_truth import GroundTruthStore
from satmon_writer.domain.samples import record_lines, result_lines
from satmon_writer.domain.validation import decode_result

__all__ = ["TelemetryWriter", "ResultWriter", "GroundTruthWriter"]

class TelemetryWriter:
    """Raw records -> smap_feature and satellite_* series.

    Invalid raw records are dead-lettered once, by the router; here they are
    counted in satmon_invalid_skipped_total and skipped.
    """

    def __init__(self, vm: VictoriaMetrics) -> None:
        self.vm = vm

    def __call__(self, messages: list[Message]) -> list[DeadLetter]:
        lines: list[str] = []
        for msg in messages:
            try:
                record = decode_record(msg.value())
                validate_record(record)
            except InvalidRecordError as exc:
                metrics.INVALID_SKIPPED.labels("writer", exc.reason).inc()
                continue
            lines.extend(record_lines(record))
        self.vm.import_lines(lines)  # TransientError -> the loop retries the whole batch
        metrics.SINK_WRITES.labels("victoria-metrics").inc(len(lines))
        return []


class ResultWriter:
    """Results -> smap_prediction, inference_* series, and alerts in PostgreSQL."""

    def __init__(self, vm: VictoriaMetrics, alerts: AlertStore, on_alerts=lambda ids, results: None) -> None:
        self.vm = vm
        self.alerts = alerts
        self.on_alerts = on_alerts
        self.tracer = tracer("satmon.writer")

    def __call__(self, messages: list[Message]) -> list[DeadLetter]:
        rejects, results, lines = [], [], []
        for msg in messages:
            try:
                result = decode_result(msg.value())
            except InvalidRecordError as exc:
                rejects.append(DeadLetter(msg, exc.reason, exc.detail))
                continue
            with self.tracer.start_as_current_span("result.write", context=context_from_kafka(msg.headers()),
                                                   kind=trace.SpanKind.CONSUMER,
                                                   attributes={"satmon.job_id": result.job_id,
                                                               "satmon.satellite_id": result.satellite_id}):
                results.append(result)
                lines.extend(result_lines(result))
        self.vm.import_lines(lines)
        touched = self.alerts.record(results)
        metrics.SINK_WRITES.labels("victoria-metrics").inc(len(lines))
        self.on_alerts(touched, results)
        return rejects


class GroundTruthWriter:
    """Labels of replayed streams -> PostgreSQL, for scoring live alerts (never to the detector)."""

    def __init__(self, store: GroundTruthStore) -> None:
        self.store = store

    def __call__(self, messages: list[Message]) -> list[DeadLetter]:
        rejects, truths = [], []
        for msg in messages:
            truth = telemetry_events.GroundTruth()
            try:
                truth.ParseFromString(msg.value() or b"")
            except DecodeError as exc:
                rejects.append(DeadLetter(msg, "undecodable", str(exc)))
                continue
            if not truth.satellite_id or truth.subsystem not in SUBSYSTEMS or not truth.HasField("stream_start_time"):
                rejects.append(DeadLetter(msg, "missing_identity", "satellite_id, subsystem and stream_start_time"))
                continue
            truths.append(truth)
        self.store.record(truths)
        return rejects
