"""One truth for windows: a window is anomalous when a detector alert covers one of its fresh rows.

The detector decides per record and confirms a sequence only after some of its windows were stored,
then grows it over later ones. So the writer marks windows from both sides, each in its own
transaction: a stored window is anomalous when an alert already covers its fresh rows, and an alert
that opens or grows marks the stored windows it now covers. The two transactions for a satellite's
subsystem take the same advisory lock first, so neither can miss the other's rows.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from typing import NamedTuple

from satmon.detection.v1 import events_pb2, job_pb2

from satmon_detection.windows import WINDOW_SIZE, fresh_rows

__all__ = ["fresh_start_time", "stream_lock_keys", "AlertSpan", "window_flags"]


def fresh_start_time(window_start: datetime, window_end: datetime, start_sequence: int,
                     rows: int = WINDOW_SIZE) -> datetime:
    """Sample time of the window's first fresh row (the first it scores for the first time)."""
    first = fresh_rows(start_sequence, rows)
    return window_start + (window_end - window_start) * first / (rows - 1)


def stream_lock_keys(pairs: Iterable[tuple[str, str]]) -> list[int]:
    """Advisory lock keys of (satellite, subsystem) pairs, sorted so that every transaction takes its
    locks in the same order (no deadlock between the jobs and the alerts transactions)."""
    return sorted({zlib.crc32(f"{satellite}/{subsystem}".encode()) for satellite, subsystem in pairs})


class AlertSpan(NamedTuple):
    """A model alert's extent, as stored."""

    satellite_id: str
    subsystem: str
    start_time: datetime
    end_time: datetime


def window_flags(results: Sequence[events_pb2.InferenceResult], spans: Sequence[AlertSpan]
                 ) -> list[tuple[events_pb2.InferenceResult, bool]]:
    """Each stream window of the batch, anomalous or not by the stored alert spans (the same rule as
    subsystem_inferences.anomaly_detected, on the window's exact sample times)."""
    by_stream: dict[tuple[str, str], list[AlertSpan]] = {}
    for span in spans:
        by_stream.setdefault((span.satellite_id, span.subsystem), []).append(span)
    flags = []
    for result in results:
        if result.source != job_pb2.JOB_SOURCE_STREAM or not result.sample_times:
            continue
        start = result.sample_times[0].ToDatetime(tzinfo=timezone.utc)
        end = result.sample_times[-1].ToDatetime(tzinfo=timezone.utc)
        fresh = fresh_start_time(start, end, result.start_sequence, len(result.sample_times))
        covered = any(s.start_time <= end and s.end_time >= fresh
                      for s in by_stream.get((result.satellite_id, result.subsystem), ()))
        flags.append((result, covered))
    return flags
