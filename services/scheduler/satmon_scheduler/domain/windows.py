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

import bisect
import itertools
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from operator import itemgetter
from typing import NamedTuple

from satmon_core import packed_floats

__all__ = ["Row", "packed_row", "context_cutter", "WindowSpec", "WindowBuffer", "ClosedWindow", "HISTORY_WINDOWS"]

HISTORY_WINDOWS = 3


class Row(NamedTuple):
    """One sample as a buffer holds it. A named tuple, not a frozen dataclass: a scheduler holds
    about 260 rows per stream (1.8 million at 1,000 SMAP satellites) and builds 7,000 a second; a
    frozen dataclass's __init__ (object.__setattr__ per field) and its per-row __dict__ for the
    cyclic garbage collector to walk cost more than the tuple."""

    sequence: int
    time_ns: int
    features: bytes  # packed_floats.pack of the sample's features
    partition: int
    offset: int
    context: bytes   # the features a later window carries of this row as context (packed_row)


def packed_row(sequence: int, time_ns: int, features: bytes, partition: int, offset: int,
               context_columns: tuple[int, ...] = ()) -> Row:
    """A row whose context part (its `context_columns`, all when empty) is cut once, as it arrives:
    each row is context to window.context / stride windows (23 for SMAP), and cutting it per window
    was a tenth of the scheduler consume thread's samples at 1,000 satellites (py-spy --native)."""
    return Row(sequence, time_ns, features, partition, offset, context_cutter(context_columns)(features))


@lru_cache(maxsize=None)
def context_cutter(context_columns: tuple[int, ...]) -> Callable[[bytes], bytes]:
    """What cuts the `context_columns` out of a row's packed features: the features themselves for
    every column, one slice for columns side by side (SMAP's one telemetry value), else the slices
    joined."""
    if not context_columns:
        return lambda features: features
    runs: list[list[int]] = []
    for column in context_columns:
        if runs and column == runs[-1][1]:
            runs[-1][1] += 1
        else:
            runs.append([column, column + 1])
    slices = [slice(start * packed_floats.ITEM_SIZE, end * packed_floats.ITEM_SIZE) for start, end in runs]
    if len(slices) == 1:
        return itemgetter(slices[0])
    return lambda features: b"".join([features[cut] for cut in slices])


@dataclass(frozen=True)
class WindowSpec:
    size: int = 30
    stride: int = 10
    context: int = 0  # rows before each window its model reads too (the mission database's window.context)
    context_columns: tuple[int, ...] = ()  # the columns those rows carry (the telemetry parameters); () all

    @cached_property
    def rows_kept(self) -> int:
        """Rows a buffer holds at least: HISTORY_WINDOWS windows, or one window and its context."""
        return max(self.size * HISTORY_WINDOWS, self.size + self.context)


@dataclass(frozen=True)
class ClosedWindow:
    rows: tuple[Row, ...]
    context: tuple[Row, ...] = ()  # up to spec.context rows before the window, oldest first

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
        # Sequences and times rise strictly within a stream (add() clears on a restart), so a row is
        # found by its sequence; HISTORY_WINDOWS windows of rows are kept, more while a rule job may
        # still need them (trim).
        self.rows: deque[Row] = deque()

    def add(self, row: Row) -> ClosedWindow | None:
        """Appends the row; returns the window it closes, if any. The caller trims when due."""
        if self.rows:
            newest = self.rows[-1]
            if row.sequence <= newest.sequence or row.time_ns <= newest.time_ns:
                if self.index_of(row.sequence, row.time_ns) is not None:
                    return None  # redelivered
                self.rows.clear()  # sequence or time went back: the stream was restarted or replayed
        self.rows.append(row)
        if len(self.rows) >= self.spec.size and (row.sequence + 1 - self.spec.size - self.phase) % self.spec.stride == 0:
            return self._closed(len(self.rows) - 1)
        return None

    def _closed(self, end: int) -> ClosedWindow:
        """The window whose newest row is at index `end`, with the context rows held before it."""
        start = end + 1 - self.spec.size
        return ClosedWindow(tuple(itertools.islice(self.rows, start, end + 1)),
                            tuple(itertools.islice(self.rows, max(0, start - self.spec.context), start)))

    def index_of(self, sequence: int, time_ns: int) -> int | None:
        """Where the row of this record sits in the buffer's current stream, or None if it is not held."""
        rows = self.rows
        if not rows:
            return None
        i = sequence - rows[0].sequence  # exact unless records are missing in between
        if not 0 <= i < len(rows) or rows[i].sequence != sequence:
            i = bisect.bisect_left(rows, sequence, key=lambda r: r.sequence)
        if i < len(rows) and rows[i].sequence == sequence and rows[i].time_ns == time_ns:
            return i
        return None

    def trim_due(self) -> bool:
        """Whether a stride of rows beyond spec.rows_kept has come: trimming then, not after every
        row, finds the rows a rule job still needs once a stride (that search was 15 % of the
        consume thread at 1,000 satellites, cProfile). A buffer holds at most a stride more."""
        return len(self.rows) > self.spec.rows_kept + self.spec.stride

    def trim(self, needed_from: int | None, max_span_ns: int) -> None:
        """Drops rows beyond `spec.rows_kept` that no rule job needs: those before index
        needed_from (None: cannot be told yet, all may be), and, whatever is needed, those more than
        max_span_ns of stream time older than the newest row."""
        rows = self.rows
        while len(rows) > self.spec.rows_kept:
            needed = needed_from is None or needed_from <= 0
            if needed and rows[-1].time_ns - rows[0].time_ns <= max_span_ns:
                return
            rows.popleft()
            if needed_from is not None:
                needed_from -= 1

    def window_ending_at(self, sequence: int, time_ns: int) -> ClosedWindow | None:
        """The full window whose newest row is this record's, with its context (for rule jobs), or
        None when fewer than a window's rows of this stream are held up to it."""
        end = self.index_of(sequence, time_ns)
        if end is None or end + 1 < self.spec.size:
            return None
        return self._closed(end)

    def oldest_offset(self) -> int | None:
        """Offset of the oldest row a restart needs to rebuild the next window and its context."""
        if not self.rows:
            return None
        needed = self.spec.size + self.spec.context
        return self.rows[-needed].offset if len(self.rows) >= needed else self.rows[0].offset
