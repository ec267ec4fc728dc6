"""Manual job submissions: checking them, reading inline telemetry (`data` or `windows`), cutting windows.

A submission names its telemetry one of three ways: `data` (the original submission shape: one
channel's values, or whole rows of the subsystem's parameters), `windows` (rows with their sample times), or a time range of
stored telemetry. Every problem is reported at once, each with the field's path.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import numpy as np

from satmon.detection.v1 import events_pb2
from satmon_core.errors import InvalidArgument
from satmon_core.identifiers import SATELLITE_ID_PATTERN, is_valid_satellite_id
from satmon_detection.smap import SUBSYSTEM_FAMILIES
from satmon_detection.windows import STRIDE, WINDOW_SIZE, window_starts, with_context

__all__ = ["validate_submission", "satellite_of", "window_settings", "data_window", "cut_windows", "MAX_WINDOWS",
           "MAX_DATA_ROWS"]

MAX_WINDOWS = 5000
MAX_DATA_ROWS = 50_000
# What every model satmon serves forecasts: the next record from the ones before it.
FORECAST_HORIZON = 1
MAX_RANGE_S = 12 * 3600  # 4,318 windows at the default stride: under MAX_WINDOWS
_SUBSYSTEM_OF_FAMILY = {letter: name for name, letter in SUBSYSTEM_FAMILIES.items()}


def satellite_of(request) -> str:
    """The field, or metadata["satellite_id"] in the original submission shape."""
    return request.satellite_id or request.metadata.get("satellite_id", "")


def window_settings(request) -> tuple[int, int]:
    """(rows per window, stride): `config` first (the original shape), then the flat fields."""
    size = request.config.window_size or request.window_size or WINDOW_SIZE
    stride = request.config.stride or request.stride or STRIDE
    return size, stride


def _size_field(request, prefix: str) -> str:
    return prefix + ("config.window_size" if request.config.window_size else "window_size")


def _data_rows(data, prefix: str, width: int) -> tuple[np.ndarray | None, list[tuple[str, str]]]:
    """`data` as a (rows, width) array: a list of numbers is the first parameter's column (the others
    are zero, as SMAP's command columns mostly are), a list of lists is whole rows."""
    values = data.values
    if all(v.WhichOneof("kind") == "number_value" for v in values):
        rows = np.zeros((len(values), width), dtype=np.float32)
        rows[:, 0] = [v.number_value for v in values]
        return rows, []
    rows = []
    for i, v in enumerate(values):
        if v.WhichOneof("kind") != "list_value":
            return None, [(f"{prefix}data[{i}]", f"must be a number (one channel's values) or a list of {width} "
                                                 "numbers (rows); the whole array must use one form")]
        row = v.list_value.values
        if len(row) != width or any(x.WhichOneof("kind") != "number_value" for x in row):
            return None, [(f"{prefix}data[{i}]", f"a row must be {width} numbers, got {len(row)} items")]
        rows.append([x.number_value for x in row])
    return np.asarray(rows, dtype=np.float32).reshape(-1, width), []


def _subsystem_for_data(request) -> str | None:
    if len(request.subsystems) == 1:
        return request.subsystems[0]
    family = request.model_name.removeprefix("SMAP_").split("-")[0]
    name = _SUBSYSTEM_OF_FAMILY.get(family)
    return name


def validate_submission(request, widths: Mapping[str, int], prefix: str = "") -> None:
    """Raises InvalidArgument listing every bad field (rules declared in the proto, such as the
    satellite-id pattern of the field and known subsystems, were checked before this runs).
    `widths`: values per row of each subsystem of the satellite's class, from the mission database."""
    bad: list[tuple[str, str]] = []
    satellite = satellite_of(request)
    if not satellite:
        bad.append((prefix + "satellite_id", 'is required (or metadata["satellite_id"])'))
    elif not is_valid_satellite_id(satellite):
        bad.append((prefix + 'metadata["satellite_id"]', f"must match {SATELLITE_ID_PATTERN.pattern}"))
    sources = [name for name, given in (("data", request.HasField("data")), ("windows", bool(request.windows)),
                                        ("start_time", request.HasField("start_time"))) if given]
    if len(sources) > 1:
        bad.append((prefix + sources[1],
                    f"give one of data, windows or start_time/end_time, not {' and '.join(sources)}"))
    for i, name in enumerate(request.subsystems):
        if name not in widths:
            bad.append((f"{prefix}subsystems[{i}]", f"{name!r} is not a subsystem of the satellite's class "
                                                    f"({', '.join(widths)})"))
    if request.HasField("data"):
        bad += _check_data(request, prefix, widths)
    elif request.model_name and len(request.subsystems) != 1:
        bad.append((prefix + "model_name", "can only be set with exactly one subsystem"))
    for i, window in enumerate(request.windows):
        rows, width = len(window.sample_times), widths.get(window.subsystem)
        if width is None:
            bad.append((f"{prefix}windows[{i}].subsystem", "must be a subsystem of the satellite's class"))
        elif window.feature_count != width:
            bad.append((f"{prefix}windows[{i}].feature_count", f"must be {width}, the subsystem's parameters"))
        elif rows < WINDOW_SIZE or len(window.values) != rows * width:
            bad.append((f"{prefix}windows[{i}].values",
                        f"expected at least {WINDOW_SIZE} rows of {width} values, one per sample_time"))
        elif not np.isfinite(np.asarray(window.values, dtype=np.float32)).all():
            bad.append((f"{prefix}windows[{i}].values", "must not contain NaN or infinity"))
    if not sources:
        bad.append((prefix + "start_time", "data, windows, or start_time and end_time are required"))
    elif request.HasField("start_time"):
        if not request.HasField("end_time"):
            bad.append((prefix + "end_time", "is required with start_time"))
        elif request.end_time.ToNanoseconds() <= request.start_time.ToNanoseconds():
            bad.append((prefix + "end_time", "must be after start_time"))
        elif (request.end_time.ToSeconds() - request.start_time.ToSeconds()) > MAX_RANGE_S:
            bad.append((prefix + "start_time", f"the range covers more than {MAX_WINDOWS} windows; at most "
                                               f"{MAX_RANGE_S // 3600} hours per job (one row per second)"))
    size, stride = window_settings(request)
    if size != WINDOW_SIZE:
        bad.append((_size_field(request, prefix), f"the models take windows of {WINDOW_SIZE} rows"))
    horizon = request.config.forecast_horizon
    if horizon not in (0, FORECAST_HORIZON):
        bad.append((prefix + "config.forecast_horizon",
                    f"the models forecast {FORECAST_HORIZON} record ahead (each record from the ones before it); "
                    f"{horizon} is not served"))
    if not 1 <= stride <= WINDOW_SIZE:
        bad.append((prefix + ("config.stride" if request.config.stride else "stride"),
                    f"must be between 1 and {WINDOW_SIZE}"))
    if bad:
        raise InvalidArgument(*bad[0], *bad[1:])


def _check_data(request, prefix: str, widths: Mapping[str, int]) -> list[tuple[str, str]]:
    bad = []
    subsystem = _subsystem_for_data(request)
    if not request.model_name:
        bad.append((prefix + "model_name", "is required with data (the channel's model, e.g. SMAP_A-1)"))
    elif subsystem is None:
        bad.append((prefix + "subsystems", f"name the one subsystem {request.model_name} scores"))
    if subsystem not in widths:
        return bad
    rows, problems = _data_rows(request.data, prefix, widths[subsystem])
    bad += problems
    if rows is not None:
        model = request.model_name or "the model"
        if len(rows) < WINDOW_SIZE:
            bad.append((prefix + "data", f"has {len(rows)} rows; {model} needs at least {WINDOW_SIZE} "
                                         f"(one window of {WINDOW_SIZE} rows)"))
        elif len(rows) > MAX_DATA_ROWS:
            bad.append((prefix + "data", f"has {len(rows)} rows; at most {MAX_DATA_ROWS} per submission"))
        elif not np.isfinite(rows).all():
            bad.append((prefix + "data", "must not contain NaN or infinity"))
    return bad


def data_window(request, widths: Mapping[str, int], now_s: float | None = None) -> events_pb2.Window:
    """The submission's `data` as one long window, one row per second ending now (the original shape
    carries no times). Call after validate_submission."""
    subsystem = _subsystem_for_data(request)
    rows, _ = _data_rows(request.data, "", widths[subsystem])
    end_ns = int((time.time() if now_s is None else now_s) * 1e9)
    window = events_pb2.Window(satellite_id=satellite_of(request), subsystem=subsystem,
                               model_name=request.model_name, start_sequence=0, feature_count=rows.shape[1],
                               values=rows.ravel().tolist())
    for i in range(len(rows)):
        window.sample_times.add().FromNanoseconds(end_ns - (len(rows) - 1 - i) * 1_000_000_000)
    return window


def cut_windows(source: events_pb2.Window, stride: int, context: int = 0, first: int = 0) -> list[events_pb2.Window]:
    """Splits a long inline series into model-sized windows (30 rows, the given stride) from its row
    `first`, each with the `context` rows before it that its model reads (the rows before `first`
    serve as context only; satmon_detection.windows.with_context pads a short one)."""
    rows = len(source.sample_times)
    values = np.asarray(source.values, dtype=np.float32).reshape(rows, source.feature_count)
    starts = first + window_starts(rows - first, WINDOW_SIZE, stride or STRIDE)[:MAX_WINDOWS]
    cut = with_context(values, starts, WINDOW_SIZE, context) if len(starts) else []
    windows = []
    for start, rows_read in zip(starts, cut):
        window = events_pb2.Window(satellite_id=source.satellite_id, subsystem=source.subsystem,
                                   spacecraft_class=source.spacecraft_class, model_name=source.model_name, start_sequence=source.start_sequence + int(start),
                                   feature_count=source.feature_count,
                                   sample_times=source.sample_times[start:start + WINDOW_SIZE],
                                   values=rows_read[context:].ravel().tolist(),
                                   context_values=rows_read[:context].ravel().tolist())
        windows.append(window)
    return windows
