"""Sliding windows: size 30, stride 10 by default, as the scheduler cuts them.

A live stream's windows start at records phase, phase + 10, phase + 20, ..., where
the phase (0 <= phase < stride) is a stable hash of the stream's satellite and
subsystem. Without it, every satellite whose counter started in the same second
closes its windows in the same second: at 1,000 satellites, 7,000 windows at once
and none for the next nine seconds, a burst that two cores clear in seconds. With
it a fleet's window closes spread over the stride whatever its counters do (as
Prometheus offsets each target's scrapes by a hash of the target). The price: a
stream's records before its phase (at most stride - 1 at its very start) are in
no window. Every later record is scored once, as one of the newest rows of the
first window that covers it.

A model may also read rows before each window (a long-context forecaster: its input has
more rows than a window). The window stays the unit of scheduling and scoring; the scheduler
sends the subsystem's `window.context` rows before it (the mission database's), and where
fewer exist (a stream's first windows) the oldest row is repeated in front up to the rows the
model reads: the worker does so live (`fit_rows`), `with_context` offline.
"""

from __future__ import annotations

import zlib

import numpy as np

__all__ = ["WINDOW_SIZE", "STRIDE", "stream_phase", "window_starts", "sliding_windows", "is_first_window",
           "fresh_rows", "with_context", "fit_rows", "per_record"]

WINDOW_SIZE = 30
STRIDE = 10


def stream_phase(satellite_id: str, subsystem: str, stride: int = STRIDE) -> int:
    """The stream's window phase: the same in every process and after every restart (crc32, not
    Python's salted hash), so the same records always cut the same windows."""
    return zlib.crc32(f"{satellite_id}/{subsystem}".encode()) % stride


def window_starts(length: int, size: int = WINDOW_SIZE, stride: int = STRIDE, phase: int = 0) -> np.ndarray:
    """Start rows of every full window of a stream `length` records long: phase, phase + stride, ..."""
    return np.arange(phase, length - size + 1, stride, dtype=np.int64)


def sliding_windows(values: np.ndarray, size: int = WINDOW_SIZE, stride: int = STRIDE, phase: int = 0) -> np.ndarray:
    """(n_windows, size, features) view of a (T, features) array."""
    starts = window_starts(len(values), size, stride, phase)
    view = np.lib.stride_tricks.sliding_window_view(values, (size, values.shape[1]))[:, 0]
    return view[starts]


def is_first_window(start_sequence: int, stride: int = STRIDE) -> bool:
    """A stream's first window starts at its phase, under one stride; no window comes before it."""
    return start_sequence < stride


def fresh_rows(start_sequence: int, rows: int, stride: int = STRIDE) -> int:
    """Index of a stream window's first row not already covered by the window before it: every
    record gets exactly one score and one prediction. A stream's first window gives all its rows."""
    return 0 if is_first_window(start_sequence, stride) else max(0, rows - stride)


def with_context(values: np.ndarray, starts: np.ndarray, size: int, context: int) -> np.ndarray:
    """(n_windows, context + size, features): each window with the `context` rows before it, the
    stream's row 0 repeated in front where fewer exist (see the module's note)."""
    padded = np.concatenate([np.repeat(values[:1], context, axis=0), values])
    view = np.lib.stride_tricks.sliding_window_view(padded, (context + size, values.shape[1]))[:, 0]
    return view[np.asarray(starts)]


def fit_rows(windows: list[np.ndarray], rows: int) -> np.ndarray:
    """(windows, rows, features): each window's newest `rows` rows, its oldest row repeated in front
    where it has fewer (a stream's first windows, or an API caller that sent no context): the rule
    `with_context` applies to a whole array, for the worker's windows as they arrive."""
    fitted = []
    for window in windows:
        missing = rows - len(window)
        fitted.append(window[-rows:] if missing <= 0 else np.concatenate([np.repeat(window[:1], missing, axis=0), window]))
    return np.stack(fitted)


def per_record(starts: np.ndarray, window_values: np.ndarray, length: int) -> np.ndarray:
    """Each record's value from per-row window outputs (scores, errors), taken from the window that
    first covers the record, as the writer and the detector take them (0 for records in no window)."""
    out = np.zeros(length)
    for start, values in zip(starts, window_values):
        first = fresh_rows(int(start), len(values))
        out[int(start) + first:int(start) + len(values)] = values[first:]
    return out
