"""Which SMAP channel each satellite replays for each subsystem, and building records.

Assignment (deterministic, overridable with SATMON_CHANNEL_MAP as JSON
{"SAT-001": {"acs": "A-3", ...}}): satellite k (1-based) replays, for each
subsystem, channel (k-1) mod n of that family's channels in natural order,
so SAT-001 gets A-1, D-1, E-1, F-1, P-1, S-1, T-1 and SAT-002 gets A-2, D-2, ...
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

import numpy as np

from satmon_detection.smap import SUBSYSTEM_FAMILIES, family_channels, load_channel

__all__ = ["satellite_id", "assign_channels", "FleetData"]


def satellite_id(index: int) -> str:
    return f"SAT-{index:03d}"


def assign_channels(count: int, channel_lists: dict[str, list[str]] | None = None) -> dict[str, dict[str, str]]:
    lists = channel_lists or {ss: family_channels(letter) for ss, letter in SUBSYSTEM_FAMILIES.items()}
    assignment = {satellite_id(k): {ss: chans[(k - 1) % len(chans)] for ss, chans in lists.items()}
                  for k in range(1, count + 1)}
    if override := os.environ.get("SATMON_CHANNEL_MAP"):
        for sat, mapping in json.loads(override).items():
            assignment.setdefault(sat, {}).update(mapping)
    return assignment


@dataclass
class FleetData:
    """The test arrays each satellite replays, per subsystem."""

    assignment: dict[str, dict[str, str]]

    def __post_init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}
        for mapping in self.assignment.values():
            for channel in mapping.values():
                if channel not in self.arrays:
                    self.arrays[channel] = load_channel(channel)[1]

    def rows(self, sat: str, row: int) -> dict[str, tuple[str, np.ndarray]]:
        """subsystem -> (channel, 25 features) for a record index (each channel wraps at its own length)."""
        return {ss: (chan, self.arrays[chan][row % len(self.arrays[chan])]) for ss, chan in self.assignment[sat].items()}

    def shortest(self) -> int:
        return min(len(a) for a in self.arrays.values())
