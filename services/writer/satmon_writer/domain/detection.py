"""Live detection: a stream's results in, the alert changes they cause out.

A stream is one satellite's subsystem from one record 0 on (a replay, or the
spacecraft's counter restarting, starts a new one). It is identified by the
sample time of its record 0, computed from any of its windows, so a late
window of an earlier replay still reaches its own stream.

The detector needs its records in order, but windows can arrive out of
order: the worker scores batches concurrently, and a redelivered task comes
late. Each stream therefore holds windows that arrive ahead of a gap and
feeds them once the gap fills; a gap still open when the held windows span
`MAX_HELD_WINDOWS` is given up (a window that was never scored), and the
detector goes on after it. Only stream results feed the detector; rule and
manual jobs re-score rows the stream already covered.

Everything here is pure; the adapter persists the changes, the detector
checkpoint and the held windows in one transaction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from satmon.detection.v1 import events_pb2, job_pb2
from satmon_detection.detector import DetectorConfig, SequenceEvent, StreamDetector, feed_window
from satmon_detection.windows import STRIDE, fresh_rows, is_first_window

__all__ = ["StreamKey", "StreamState", "AlertChange", "stream_results", "apply_results", "closing_changes",
           "held_copy", "stream_start", "stream_identity", "severity_of", "CRITICAL_RATIO", "MAX_HELD_WINDOWS"]

StreamKey = tuple[str, str, datetime]  # (satellite_id, subsystem short name, sample time of record 0)
MAX_HELD_WINDOWS = 12
# A model alert is critical once its peak smoothed error reaches this multiple of the epsilon it
# crossed, a warning below that. On SMAP (committed models, `satmon eval`), all 7 false alerts peaked
# below 1.2 x epsilon and 26 of the 52 true ones at 1.5 x or more; every alert at 1.5 x was true.
CRITICAL_RATIO = 1.5
_EPOCH = datetime.fromtimestamp(0, timezone.utc)


@dataclass
class StreamState:
    """What the writer keeps per stream: the detector, the open alert, windows held for a gap."""

    detector: StreamDetector
    alert_id: int | None = None
    held: dict[int, events_pb2.InferenceResult] = field(default_factory=dict)  # by start_sequence
    # The detector's epsilon after each window the last apply_results fed: (window, epsilon).
    thresholds: list[tuple[events_pb2.InferenceResult, float]] = field(default_factory=list)


@dataclass(frozen=True)
class AlertChange:
    """One detector event with the times and model it needs to become a row."""

    event: SequenceEvent
    model_name: str
    start_time: datetime
    end_time: datetime


def severity_of(event: SequenceEvent) -> str:
    """`critical` or `warning` for a model alert as it stands at this event (see CRITICAL_RATIO)."""
    if event.epsilon > 0 and event.sequence.peak >= CRITICAL_RATIO * event.epsilon:
        return "critical"
    return "warning"


def _period_ns(result: events_pb2.InferenceResult) -> float:
    times = result.sample_times
    if len(times) < 2:
        return 1e9
    return (times[-1].ToNanoseconds() - times[0].ToNanoseconds()) / (len(times) - 1)


def _time_of(record: int, result: events_pb2.InferenceResult) -> datetime:
    """The sample time of a record number, from the window it arrived in (extrapolated at the
    window's own spacing for records outside it)."""
    ns = result.sample_times[0].ToNanoseconds() + (record - result.start_sequence) * _period_ns(result)
    return _EPOCH + timedelta(microseconds=math.floor(ns / 1000))


def stream_identity(record_zero_ns: float) -> datetime:
    """A stream's identity: the sample time of its record 0 to the whole second (which absorbs
    sampling jitter). Labels from the ground-truth topic are keyed the same way."""
    return _EPOCH + timedelta(seconds=round(record_zero_ns / 1e9))


def stream_start(result: events_pb2.InferenceResult) -> datetime:
    """The identity of the stream a window belongs to."""
    return stream_identity(result.sample_times[0].ToNanoseconds() - result.start_sequence * _period_ns(result))


def stream_results(results: list[events_pb2.InferenceResult]) -> dict[StreamKey, list[events_pb2.InferenceResult]]:
    """Stream results grouped per stream."""
    streams: dict[StreamKey, list[events_pb2.InferenceResult]] = {}
    for r in results:
        if r.source == job_pb2.JOB_SOURCE_STREAM:
            streams.setdefault((r.satellite_id, r.subsystem, stream_start(r)), []).append(r)
    return streams


def held_copy(result: events_pb2.InferenceResult) -> events_pb2.InferenceResult:
    """What a held window needs to be fed later: identity, times and scores, not the prediction."""
    kept = events_pb2.InferenceResult(start_sequence=result.start_sequence, model_name=result.model_name,
                                      threshold=result.threshold, timestep_scores=result.timestep_scores)
    kept.sample_times.extend(result.sample_times)
    return kept


def _first_fresh(result: events_pb2.InferenceResult) -> int:
    """The first record this window scores; the detector must have seen every record before it. A
    stream's first window follows nothing."""
    if is_first_window(result.start_sequence):
        return 0
    return result.start_sequence + fresh_rows(result.start_sequence, len(result.timestep_scores))


def apply_results(state: StreamState | None, results: list[events_pb2.InferenceResult],
                  config: DetectorConfig) -> tuple[StreamState, list[AlertChange]]:
    """Feeds one stream's results to its detector in record order; returns its state and alert changes."""
    if state is None:
        first = min(results, key=lambda r: r.start_sequence)
        state = StreamState(StreamDetector(config, baseline=math.sqrt(max(first.threshold, 0.0))))
    carried = set(state.held)  # copies held from earlier batches
    for result in results:
        if result.start_sequence + len(result.timestep_scores) > state.detector.seen:  # not wholly seen already
            state.held.setdefault(result.start_sequence, result)
    changes: list[AlertChange] = []
    state.thresholds = []
    while state.held:
        start = min(state.held)
        result = state.held[start]
        gap = _first_fresh(result) > state.detector.seen
        span = (max(state.held) - start) // STRIDE + 1
        if gap and span < MAX_HELD_WINDOWS:
            break  # wait for the missing window
        del state.held[start]
        for event in feed_window(state.detector, result.start_sequence, list(result.timestep_scores)):
            changes.append(AlertChange(event, result.model_name, _time_of(event.sequence.start, result),
                                       _time_of(event.sequence.end, result)))
        state.thresholds.append((result, state.detector.epsilon))
    # Only windows still waiting for a gap are kept (and checkpointed): as copies without the
    # prediction. Most windows are fed at once and never copied.
    for start, result in state.held.items():
        if start not in carried:
            state.held[start] = held_copy(result)
    return state, changes


def closing_changes(state: StreamState, model_name: str, at: datetime) -> list[AlertChange]:
    """The open alert of a stream that a newer stream of the same satellite subsystem replaced."""
    return [AlertChange(e, model_name, at, at) for e in state.detector.flush()]
