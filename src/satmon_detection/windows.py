"""Sliding windows: size 30, stride 10 by default, as the scheduler cuts them."""

from __future__ import annotations

import numpy as np

__all__ = ["WINDOW_SIZE", "STRIDE", "window_starts", "sliding_windows", "fresh_rows"]

WINDOW_SIZE = 30
STRIDE = 10


def window_starts(length: int, size: int = WINDOW_SIZE, stride: int = STRIDE) -> np.ndarray:
    """Start rows of every full window: the first once `size` rows exist, then every `stride` rows."""
    if length < size:
        return np.empty(0, dtype=np.int64)
    return np.arange(0, length - size + 1, stride, dtype=np.int64)


def sliding_windows(values: np.ndarray, size: int = WINDOW_SIZE, stride: int = STRIDE) -> np.ndarray:
    """(n_windows, size, features) view of a (T, features) array."""
    starts = window_starts(len(values), size, stride)
    view = np.lib.stride_tricks.sliding_window_view(values, (size, values.shape[1]))[:, 0]
    return view[starts]


def fresh_rows(start_sequence: int, rows: int, stride: int = STRIDE) -> int:
    """Index of a stream window's first row not already covered by the window before it: every
    record gets exactly one score and one prediction (the stream's first window gives all its rows)."""
    return 0 if start_sequence == 0 else max(0, rows - stride)
