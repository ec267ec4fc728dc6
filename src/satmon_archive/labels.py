"""Labelled anomalies of an archive, for evaluation only (never for fitting): `labels.csv` beside
the satellite files.

    satellite_id,subsystem,start,end
    SAT-101,power,2026-12-01T01:10:00Z,2026-12-01T01:25:00Z

`start` and `end` are timestamps in the archive's own form, both inclusive.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from satmon_archive.csv_archive import ArchiveError, _time_ns

__all__ = ["Label", "read_labels", "write_labels"]


@dataclass(frozen=True)
class Label:
    satellite_id: str
    subsystem: str
    start_ns: int
    end_ns: int


def read_labels(path: Path) -> list[Label]:
    labels, problems = [], []
    with open(path, newline="") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            try:
                label = Label(row["satellite_id"], row["subsystem"], _time_ns(row["start"]), _time_ns(row["end"]))
            except (KeyError, TypeError, ValueError) as exc:
                problems.append(f"{path.name}:{line}: expected satellite_id,subsystem,start,end ({exc})")
                continue
            if label.end_ns < label.start_ns:
                problems.append(f"{path.name}:{line}: end is before start")
            labels.append(label)
    if problems:
        raise ArchiveError("\n".join(problems))
    return labels


def write_labels(path: Path, labels: list[Label]) -> None:
    def stamp(ns: int) -> str:
        return datetime.fromtimestamp(ns // 1_000_000_000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["satellite_id", "subsystem", "start", "end"])
        for label in labels:
            writer.writerow([label.satellite_id, label.subsystem, stamp(label.start_ns), stamp(label.end_ns)])
