"""Validating manual job submissions and cutting their windows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from satmon.detection.v1 import events_pb2
from satmon_core.topics import SUBSYSTEMS
from satmon_detection.windows import STRIDE, WINDOW_SIZE, window_starts

__all__ = ["FieldViolation", "validate_submission", "cut_windows", "MAX_WINDOWS"]

MAX_WINDOWS = 5000
FEATURES = 25


@dataclass(frozen=True)
class FieldViolation(Exception):
    field: str
    description: str


def validate_submission(request, prefix: str = "") -> None:
    """Raises FieldViolation naming the first bad field."""
    if not request.satellite_id:
        raise FieldViolation(prefix + "satellite_id", "is required")
    for i, subsystem in enumerate(request.subsystems):
        if subsystem not in SUBSYSTEMS:
            raise FieldViolation(f"{prefix}subsystems[{i}]", "must be a known subsystem")
    if request.model_name and len(request.subsystems) != 1:
        raise FieldViolation(prefix + "model_name", "can only be set with exactly one subsystem")
    size = request.window_size or WINDOW_SIZE
    if size != WINDOW_SIZE:
        raise FieldViolation(prefix + "window_size", f"the models take {WINDOW_SIZE} rows")
    if request.stride and not 1 <= request.stride <= size:
        raise FieldViolation(prefix + "stride", f"must be between 1 and {size}")
    for i, window in enumerate(request.windows):
        rows = len(window.sample_times)
        if window.feature_count != FEATURES:
            raise FieldViolation(f"{prefix}windows[{i}].feature_count", f"must be {FEATURES}")
        if rows < WINDOW_SIZE or len(window.values) != rows * FEATURES:
            raise FieldViolation(f"{prefix}windows[{i}].values",
                                 f"expected at least {WINDOW_SIZE} rows of {FEATURES} values, one per sample_time")
        if not np.isfinite(np.asarray(window.values, dtype=np.float32)).all():
            raise FieldViolation(f"{prefix}windows[{i}].values", "must not contain NaN or infinity")
        if window.subsystem not in SUBSYSTEMS:
            raise FieldViolation(f"{prefix}windows[{i}].subsystem", "must be a known subsystem")
    if not request.windows:
        if not request.HasField("start_time") or not request.HasField("end_time"):
            raise FieldViolation(prefix + "start_time", "start_time and end_time are required without inline windows")
        if request.end_time.ToNanoseconds() <= request.start_time.ToNanoseconds():
            raise FieldViolation(prefix + "end_time", "must be after start_time")


def cut_windows(source: events_pb2.Window, stride: int) -> list[events_pb2.Window]:
    """Splits a long inline series into model-sized windows (30 rows, the given stride)."""
    rows = len(source.sample_times)
    values = np.asarray(source.values, dtype=np.float32).reshape(rows, source.feature_count)
    windows = []
    for start in window_starts(rows, WINDOW_SIZE, stride or STRIDE)[:MAX_WINDOWS]:
        window = events_pb2.Window(satellite_id=source.satellite_id, subsystem=source.subsystem,
                                   model_name=source.model_name, start_sequence=source.start_sequence + int(start),
                                   feature_count=source.feature_count,
                                   sample_times=source.sample_times[start:start + WINDOW_SIZE],
                                   values=values[start:start + WINDOW_SIZE].ravel().tolist())
        windows.append(window)
    return windows
