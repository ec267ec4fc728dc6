"""Live detection: a stream's results in, the alert changes they cause out.

A stream is one satellite's subsystem within one replay (its records numbered
from 0). Only stream results feed the detector; rule and manual jobs re-score
rows the stream already covered. Everything here is pure; the adapter
persists the changes and the detector checkpoint in one transaction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from satmon.detection.v1 import events_pb2, job_pb2
from satmon_core.topics import SUBSYSTEMS
from satmon_detection.detector import DetectorConfig, SequenceEvent, StreamDetector, feed_window

__all__ = ["StreamKey", "StreamState", "AlertChange", "stream_results", "apply_results"]

StreamKey = tuple[str, str]  # (satellite_id, subsystem short name)


@dataclass
class StreamState:
    """What the writer keeps per stream: the detector, which replay it follows, the open alert."""

    detector: StreamDetector
    stream_start: datetime
    alert_id: int | None = None


@dataclass(frozen=True)
class AlertChange:
    """One detector event with the times and model it needs to become a row."""

    event: SequenceEvent
    model_name: str
    start_time: datetime
    end_time: datetime
    windows: int = 1


def _time_of(record: int, result: events_pb2.InferenceResult) -> datetime:
    """The sample time of a record number, from the window it arrived in (extrapolated at the
    window's own spacing for records before it)."""
    times = [t.ToNanoseconds() for t in result.sample_times]
    period = (times[-1] - times[0]) / (len(times) - 1) if len(times) > 1 else 1e9
    ns = times[0] + (record - result.start_sequence) * period
    return datetime.fromtimestamp(0, timezone.utc) + timedelta(microseconds=math.floor(ns / 1000))


def stream_results(results: list[events_pb2.InferenceResult]) -> dict[StreamKey, list[events_pb2.InferenceResult]]:
    """Stream results grouped per stream, in record order."""
    streams: dict[StreamKey, list[events_pb2.InferenceResult]] = {}
    for r in results:
        if r.source == job_pb2.JOB_SOURCE_STREAM:
            streams.setdefault((r.satellite_id, SUBSYSTEMS[r.subsystem]), []).append(r)
    for rs in streams.values():
        rs.sort(key=lambda r: r.start_sequence)
    return streams


def apply_results(state: StreamState | None, results: list[events_pb2.InferenceResult],
                  config: DetectorConfig) -> tuple[StreamState, list[AlertChange]]:
    """Feeds one stream's results to its detector; returns the new state and the alert changes."""
    changes: list[AlertChange] = []
    for result in results:
        first_time = result.sample_times[0].ToDatetime(tzinfo=timezone.utc)
        new_replay = result.start_sequence == 0 and state is not None and state.stream_start != first_time
        if state is None or new_replay:
            # A new replay of this satellite starts a new stream: its open alert ends with the old one.
            # A stream first seen after its record 0 (the writer deployed later) is joined where it is.
            if state is not None:
                changes += [AlertChange(e, result.model_name, first_time, first_time) for e in state.detector.flush()]
            detector = StreamDetector(config, baseline=math.sqrt(max(result.threshold, 0.0)),
                                      seen=result.start_sequence)
            state = StreamState(detector, _time_of(0, result))
        for event in feed_window(state.detector, result.start_sequence, list(result.timestep_scores)):
            changes.append(AlertChange(event, result.model_name, _time_of(event.sequence.start, result),
                                       _time_of(event.sequence.end, result)))
    return state, changes
