"""The labels of a replay, in the stream's record numbers: what `GroundTruth` messages carry.

A replay sends records 0 .. steps-1 of a stream; record k replays row
(start_row + k) of the channel's test array, wrapping at its length. A
labelled row range [start, end] of the array therefore appears once per pass
over the array, clipped to the records actually sent.
"""

from __future__ import annotations

__all__ = ["labelled_records"]


def labelled_records(sequences: tuple[tuple[int, int], ...], length: int, start_row: int,
                     steps: int) -> list[tuple[int, int]]:
    """[first, last] record numbers (inclusive) of every labelled sequence the replay sends."""
    out: list[tuple[int, int]] = []
    first_pass, last_pass = start_row // length, (start_row + steps - 1) // length if steps else -1
    for n in range(first_pass, last_pass + 1):
        for start, end in sequences:
            first = max(n * length + start - start_row, 0)
            last = min(n * length + end - start_row, steps - 1)
            if first <= last:
                out.append((first, last))
    return sorted(out)
