"""Reading the SMAP dataset from SATMON_DATA_DIR, and its labels.

Label quirk: P-2 has two rows in labeled_anomalies.csv ([5350, 6575] and
[5300, 6420]) for one array. We merge them into their union, 5300..6575, so
P-2 counts once with one sequence; both rows describe the same event.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from satmon_core.paths import data_dir

__all__ = ["SUBSYSTEM_FAMILIES", "channels", "load_channel", "load_labels", "ChannelLabels", "family_channels"]

# Subsystem (short name) -> SMAP channel family letter.
SUBSYSTEM_FAMILIES: dict[str, str] = {"acs": "A", "data": "D", "eps": "E", "fsw": "F", "ps": "P", "ss": "S", "tcs": "T"}


def _root(root: Path | None) -> Path:
    path = root or data_dir()
    if not (path / "labeled_anomalies.csv").exists():
        raise FileNotFoundError(f"SMAP data not found in {path}: set SATMON_DATA_DIR to the folder with the .npz files")
    return path


def _channel_key(name: str) -> tuple[str, int]:
    letter, number = name.split("-")
    return letter, int(number)


def channels(root: Path | None = None) -> list[str]:
    return sorted((p.stem for p in _root(root).glob("*-*.npz")), key=_channel_key)


def family_channels(letter: str, root: Path | None = None) -> list[str]:
    return [c for c in channels(root) if c.startswith(letter + "-")]


@lru_cache(maxsize=64)
def _load(path: str) -> tuple[np.ndarray, np.ndarray]:
    with np.load(path) as data:
        return data["train"].astype(np.float32), data["test"].astype(np.float32)


def load_channel(name: str, root: Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(train, test), each float32 of shape (T, 25)."""
    return _load(str(_root(root) / f"{name}.npz"))


@dataclass(frozen=True)
class ChannelLabels:
    channel: str
    sequences: tuple[tuple[int, int], ...]  # [start, end] rows of the test array, end inclusive
    num_values: int


def load_labels(root: Path | None = None) -> dict[str, ChannelLabels]:
    merged: dict[str, tuple[list[list[int]], int]] = {}
    with open(_root(root) / "labeled_anomalies.csv", newline="") as f:
        for row in csv.DictReader(f):
            seqs = json.loads(row["anomaly_sequences"])
            chan = row["chan_id"]
            if chan in merged:  # the duplicated P-2 row: merge overlapping sequences into their union
                seqs = seqs + merged[chan][0]
            merged[chan] = (seqs, int(row["num_values"]))
    labels = {}
    for chan, (seqs, num_values) in merged.items():
        spans: list[list[int]] = []
        for start, end in sorted(seqs):
            if spans and start <= spans[-1][1] + 1:
                spans[-1][1] = max(spans[-1][1], end)
            else:
                spans.append([start, end])
        labels[chan] = ChannelLabels(chan, tuple((s, e) for s, e in spans), num_values)
    return labels
