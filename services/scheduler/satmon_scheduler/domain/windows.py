"""Sliding windows per (satellite, subsystem).

Windows are aligned to the stream's sequence numbers: with size 30 and
stride 10 they close at sequences 29 + phase, 39 + phase, ..., where the phase
(0-9) is the stream's stable hash (`satmon_detection.windows.stream_phase`), so
the same input cuts the same windows after a restart, job ids derived from
them are stable, and a fleet's windows do not all close in the same second.
Duplicate samples (same sequence and time) are ignored; a sample whose
sequence or time is behind the newest one held starts a new stream (the
simulator or a satellite restarted, or a replay), so windows never mix streams.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

__all__ = ["Row", "WindowSpec", "WindowBuffer", "ClosedWindow", "HISTORY_WINDOWS"]

HISTORY_WINDOWS = 3


@dataclass(frozen=True)
class Row:
    sequence: int
    time_ns: int
    features: bytes  # packed_floats.pack of the sample's features
    partition: int
    offset: int


@dataclass(frozen=True)
class WindowSpec:
    size: int = 30
    stride: int = 10


@dataclass(frozen=True)
class ClosedWindow:
    rows: tuple[Row, ...]

    @property
    def start_sequence(self) -> int:
        return self.rows[0].sequence

    @property
    def start_time_ns(self) -> int:
        return self.rows[0].time_ns


class WindowBuffer:
    def __init__(self, spec: WindowSpec, phase: int = 0) -> None:
        self.spec = spec
        self.phase = phase
        # Extra history lets a rule job take the 30 rows ending at its trigger even when this
        # subsystem's topic is a little ahead of the one that carried the trigger.
        self.rows: deque[Row] = deque(maxlen=spec.size * HISTORY_WINDOWS)

    def add(self, row: Row) -> ClosedWindow | None:
        if self.rows:
            newest = self.rows[-1]
            if row.sequence <= newest.sequence or row.time_ns <= newest.time_ns:
                if any(r.sequence == row.sequence and r.time_ns == row.time_ns for r in self.rows):
                    return None  # redelivered
                self.rows.clear()  # sequence or time went back: the stream was restarted or replayed
        self.rows.append(row)
        if len(self.rows) >= self.spec.size and (row.sequence + 1 - self.spec.size - self.phase) % self.spec.stride == 0:
            return ClosedWindow(tuple(self.rows)[-self.spec.size:])
        return None

    def window_ending_at(self, time_ns: int) -> tuple[Row, ...] | None:
        """The full window whose newest row is the last one at or before time_ns (for rule jobs),
        or None when fewer than a window's rows are held up to then."""
        rows = [r for r in self.rows if r.time_ns <= time_ns]
        return tuple(rows[-self.spec.size:]) if len(rows) >= self.spec.size else None

    def oldest_offset(self) -> int | None:
        """Offset of the oldest row a restart needs to rebuild the next window."""
        if not self.rows:
            return None
        return self.rows[-self.spec.size].offset if len(self.rows) >= self.spec.size else self.rows[0].offset
