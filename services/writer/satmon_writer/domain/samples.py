"""Turning records and results into VictoriaMetrics samples: raw telemetry and results as JSON lines (a
series with all its samples of a batch), the detector's flags and thresholds as Prometheus text lines.

Metric names and labels are the ones operators already query; no unbounded
labels (no job id, no sequence). Each class's values are stored under the names
satmon_core.series_names gives it (SMAP: smap_feature{feature_index}; others by parameter name).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, timezone
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import satmon_native

from satmon.detection.v1 import events_pb2, job_pb2
from satmon_core.identifiers import label_value
from satmon_core.inference_results import reconstruction_of
from satmon_core.series_names import series_names
from satmon_detection.windows import fresh_rows
from satmon_mdb import DEFAULT_CLASS, load_mission_database

__all__ = ["telemetry_series", "batch_error", "result_series", "anomaly_flag_line", "detector_threshold_line", "epoch_ms", "HOUSEKEEPING_METRICS"]

_EPOCH = datetime.fromtimestamp(0, timezone.utc)

# Each housekeeping metric and the Housekeeping field it stores (a path into the message; a flag is
# stored as 0 or 1). One line per metric per record, from the sample of the class's first subsystem.
HOUSEKEEPING_METRICS = {
    "satellite_temperature": "obc_temperature_c",
    "satellite_battery_voltage": "battery_voltage_v",
    "satellite_battery_soc_percent": "battery_soc_percent",
    "satellite_solar_power": "solar_power_w",
    "satellite_altitude": "position.altitude_km",
    "satellite_velocity": "position.velocity_km_s",
    "satellite_latitude": "position.latitude_deg",
    "satellite_longitude": "position.longitude_deg",
    "satellite_power_consumption": "power_consumption_w",
    "satellite_thruster_active": "thruster_active",
}


@dataclass(frozen=True)
class _Series:
    """How one subsystem's values are written: metric names, the label that tells its parameters
    apart and each parameter's value of it, and which parameters have a stored prediction.
    Worked out once per (class, subsystem): this is the writer's hot path at 1,000 satellites."""

    raw: str
    prediction: str
    label: str
    label_values: tuple[str, ...]
    predicted: tuple[int, ...]


@lru_cache(maxsize=None)
def _series(spacecraft_class: str, subsystem: str) -> _Series:
    view = load_mission_database().subsystem(spacecraft_class or DEFAULT_CLASS, subsystem)
    names = series_names(view)
    # Only telemetry parameters have a prediction worth storing: a command flag is the model's input,
    # and its "prediction" is a copy of it (for SMAP, 24 of 25 values per row, 40 % of all lines).
    predicted = view.telemetry_indices
    return _Series(names.raw, names.prediction, names.label,
                   tuple(names.label_value(view, i) for i in range(view.width)), predicted)


def telemetry_series(batches: Sequence[bytes]) -> list[str]:
    """The samples of serialized SubsystemSampleBatch messages as VictoriaMetrics JSON lines
    (VictoriaMetrics.import_series): each series a satellite's parameter or housekeeping metric,
    once per batch with all its samples in the order given. Every sample of a record carries its
    housekeeping; it is stored from the sample of the class's first subsystem, once per record.

    The values are read and formatted by satmon_native (compiled): in Python that was about 60 us
    of CPU a record at 1,000 satellites, the writer's largest single cost (BENCHMARKS.md). What the
    lines are called (the heads below) is decided here. Raises ValueError for a message that does
    not decode (batch_error says which)."""
    return satmon_native.telemetry_lines(list(batches), DEFAULT_CLASS, _frame_heads, _housekeeping_heads,
                                         _first_subsystem, tuple(HOUSEKEEPING_METRICS.values()))


def batch_error(payload: bytes) -> str | None:
    """Why `payload` is not a SubsystemSampleBatch, or None when it is one."""
    return satmon_native.sample_batch_error(payload)


@lru_cache(maxsize=None)
def _first_subsystem(spacecraft_class: str) -> str:
    return load_mission_database().subsystems(spacecraft_class)[0].name


def _timestamps_tail(times: list[int]) -> str:
    """A JSON line from the end of its values on: what follows a _json_head and the values."""
    return f'],"timestamps":[{",".join(map(str, times))}]}}'


def _json_head(**labels: str) -> str:
    return '{"metric":' + json.dumps(labels, separators=(",", ":")) + ',"values":['


@lru_cache(maxsize=65536)
def _frame_heads(satellite_id: str, spacecraft_class: str, subsystem: str) -> tuple[str, ...]:
    """Each parameter's line up to its values, for one satellite's subsystem: built once, not once
    per batch (at 1,000 SMAP satellites, 175,000 values a second)."""
    series = _series(spacecraft_class, subsystem)
    return tuple(_json_head(__name__=series.raw, satellite_id=satellite_id, subsystem=subsystem, **{series.label: name})
                 for name in series.label_values)


@lru_cache(maxsize=16384)
def _housekeeping_heads(satellite_id: str) -> tuple[str, ...]:
    return tuple(_json_head(__name__=name, satellite_id=satellite_id)
                 for name in HOUSEKEEPING_METRICS)


def result_series(results: Iterable[events_pb2.InferenceResult]) -> list[str]:
    """The results' samples as VictoriaMetrics JSON lines (VictoriaMetrics.import_series), each series
    once per batch with all its samples: the prediction of each telemetry parameter and the
    per-timestep score for a window's newest rows (one stride), so every record time gets one
    predicted value; the window summaries at the window's last record time.

    A prediction that is not finite is left out (JSON has no NaN, and there is nothing to plot); the
    scores were checked finite on arrival."""
    series: dict[str, tuple[list[int], list[float]]] = {}

    def extend(head: str, times: list[int], values: list[float]) -> None:
        stamps, kept = series.setdefault(head, ([], []))
        stamps += times
        kept += values

    for result in results:
        heads = _result_heads(result.satellite_id, result.spacecraft_class, result.subsystem, result.model_name)
        rows = len(result.sample_times)
        # Rule and manual jobs re-score rows the stream already covered: summaries only.
        first = fresh_rows(result.start_sequence, rows) if result.source == job_pb2.JOB_SOURCE_STREAM else rows
        if first < rows:
            times = [t.ToMilliseconds() for t in result.sample_times[first:]]
            predicted = reconstruction_of(result)[first:, heads.predicted]
            for head, column, finite in zip(heads.predictions, predicted.T.tolist(), np.isfinite(predicted).T):
                if finite.all():
                    extend(head, times, column)
                else:
                    extend(head, [t for t, ok in zip(times, finite) if ok], [v for v, ok in zip(column, finite) if ok])
            extend(heads.score, times, list(result.timestep_scores[first:]))
        end = [result.sample_times[-1].ToMilliseconds()]
        extend(heads.mean, end, [result.mean_score])
        extend(heads.max, end, [result.max_score])
        extend(heads.inference_time, end, [result.inference_time_ms])
    return [f'{head}{",".join(map(repr, values))}{_timestamps_tail(times)}' for head, (times, values) in series.items()]


@dataclass(frozen=True)
class _ResultHeads:
    """The JSON line heads of one stream's result series (see _json_head)."""

    predicted: list[int]           # columns of the reconstruction with a stored prediction
    predictions: tuple[str, ...]   # one per predicted column
    score: str
    mean: str
    max: str
    inference_time: str


@lru_cache(maxsize=65536)
def _result_heads(satellite_id: str, spacecraft_class: str, subsystem: str, model: str) -> _ResultHeads:
    series = _series(spacecraft_class, subsystem)
    stream = {"satellite_id": satellite_id, "subsystem": subsystem}
    scored = {**stream, "model": model}
    return _ResultHeads(
        list(series.predicted),
        tuple(_json_head(__name__=series.prediction, **stream, **{series.label: series.label_values[i]})
              for i in series.predicted),
        _json_head(__name__="inference_anomaly_score", **scored),
        _json_head(__name__="inference_anomaly_score_mean", **scored),
        _json_head(__name__="inference_anomaly_score_max", **scored),
        _json_head(__name__="inference_time_ms", **scored))


def epoch_ms(moment: datetime) -> int:
    """A stored timestamp as VictoriaMetrics' milliseconds, exactly (no float rounding): the same
    number a window's protobuf sample time gives with ToMilliseconds()."""
    return (moment - _EPOCH) // timedelta(milliseconds=1)


def anomaly_flag_line(satellite_id: str, subsystem: str, model_name: str, window_end_ms: int, anomalous: bool) -> str:
    """`inference_anomaly_detected` of one window: 1 when a detector alert covers its fresh rows
    (domain.window_truth), written by the alerts transaction, which is where that is known."""
    return (f'inference_anomaly_detected{{satellite_id="{label_value(satellite_id)}",subsystem="{subsystem}",'
            f'model="{label_value(model_name)}"}} {int(anomalous)} {window_end_ms}')


def detector_threshold_line(satellite_id: str, subsystem: str, result: events_pb2.InferenceResult,
                            epsilon: float) -> str | None:
    """`detector_threshold` at a window's last record: the online detector's epsilon after that window,
    squared into score units so it plots beside `inference_anomaly_score` (the detector compares the
    smoothed error, not one record's score, to epsilon). None while the detector is warming up."""
    if not math.isfinite(epsilon):
        return None
    return (f'detector_threshold{{satellite_id="{label_value(satellite_id)}",subsystem="{subsystem}",'
            f'model="{label_value(result.model_name)}"}} {epsilon * epsilon!r} {result.sample_times[-1].ToMilliseconds()}')
