"""The archive format: one CSV file per satellite, as ground systems export telemetry.

    <archive>/<SATELLITE_ID>.csv
    timestamp,power.battery_voltage,power.battery_soc,...,orbit.thruster_active
    2026-12-01T00:00:00Z,3.98,81.5,...,0

- `timestamp`: ISO 8601 (UTC when no offset is given) or Unix seconds; strictly increasing.
- one column per parameter of the satellite's class, named `<subsystem>.<parameter>` as the
  mission database declares them, in any order; every parameter must be there, and no other
  column; booleans as 0/1 (or true/false).
- every value finite and inside its parameter's valid range.

A file is read whole and checked before anything is done with it: every bad row is reported with
its line number (up to MAX_PROBLEMS), so nothing is half-loaded.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from satmon_core.identifiers import is_valid_satellite_id
from satmon_mdb import SubsystemView

__all__ = ["ArchiveError", "SatelliteArchive", "column_names", "read_satellite_csv", "read_archive",
           "write_satellite_csv"]

MAX_PROBLEMS = 20
BOOLEANS = {"true": 1.0, "false": 0.0}


class ArchiveError(ValueError):
    """An archive file that cannot be used; the message lists each problem with file and line."""


@dataclass
class SatelliteArchive:
    """One satellite's archive: sample times (ns) and, per subsystem, a (rows, parameters) array."""

    satellite_id: str
    times_ns: np.ndarray
    values: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.times_ns)


def column_names(subsystems: Sequence[SubsystemView]) -> list[str]:
    return [f"{view.name}.{name}" for view in subsystems for name in view.parameter_names]


def _time_ns(text: str) -> int:
    text = text.strip()
    try:
        return int(round(float(text) * 1e9))
    except ValueError:
        pass
    stamp = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=timezone.utc)
    return int(stamp.timestamp() * 1e9)  # float seconds: microsecond resolution is all a 1 Hz archive needs


def read_satellite_csv(path: Path, subsystems: Sequence[SubsystemView]) -> SatelliteArchive:
    satellite_id = path.stem
    problems: list[str] = []

    def problem(line: int | None, text: str) -> None:
        problems.append(f"{path.name}:{line}: {text}" if line else f"{path.name}: {text}")

    if not is_valid_satellite_id(satellite_id):
        problem(None, f"the file name must be the satellite id; {satellite_id!r} is not a valid one")
    expected = column_names(subsystems)
    ranges = {f"{view.name}.{view.parameter_names[i]}": (low, high) for view in subsystems
              for i, low, high in view.valid_ranges}
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None:
            raise ArchiveError(f"{path.name}: empty file; expected a header: timestamp,{','.join(expected)}")
        header = [h.strip() for h in header]
        if not header or header[0] != "timestamp":
            problem(1, f"the first column must be timestamp, not {header[0] if header else 'nothing'!r}")
        missing = [c for c in expected if c not in header]
        unknown = [c for c in header[1:] if c not in expected]
        if missing:
            problem(1, f"missing columns: {', '.join(missing)}")
        if unknown:
            problem(1, f"columns the class does not declare: {', '.join(unknown)}")
        if problems:
            raise ArchiveError("\n".join(problems))
        position = [header.index(c) for c in expected]
        times: list[int] = []
        rows: list[list[float]] = []
        for line, row in enumerate(reader, start=2):
            if len(problems) >= MAX_PROBLEMS:
                problems.append(f"{path.name}: ... (stopped after {MAX_PROBLEMS} problems)")
                break
            if not row or all(not cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                problem(line, f"{len(row)} fields, the header has {len(header)}")
                continue
            try:
                time_ns = _time_ns(row[0])
            except ValueError:
                problem(line, f"timestamp {row[0]!r} is neither ISO 8601 nor Unix seconds")
                continue
            if times and time_ns <= times[-1]:
                problem(line, f"timestamp {row[0]} is not after the row before")
                continue
            values, bad = [], False
            for column, at in zip(expected, position):
                cell = row[at].strip()
                try:
                    value = BOOLEANS[cell.lower()] if cell.lower() in BOOLEANS else float(cell)
                except ValueError:
                    problem(line, f"{column}: {cell!r} is not a number")
                    bad = True
                    break
                if not math.isfinite(value):
                    problem(line, f"{column}: {cell} is not finite")
                    bad = True
                    break
                if column in ranges and not ranges[column][0] <= value <= ranges[column][1]:
                    problem(line, f"{column}: {value:g} is outside its valid range {ranges[column][0]:g}..{ranges[column][1]:g}")
                    bad = True
                    break
                values.append(value)
            if not bad:
                times.append(time_ns)
                rows.append(values)
    if problems:
        raise ArchiveError("\n".join(problems))
    if not rows:
        raise ArchiveError(f"{path.name}: no rows after the header")
    table = np.asarray(rows, dtype=np.float32)
    split, start = {}, 0
    for view in subsystems:
        split[view.name] = table[:, start:start + view.width]
        start += view.width
    return SatelliteArchive(satellite_id, np.asarray(times, dtype=np.int64), split)


def read_archive(folder: Path, subsystems: Sequence[SubsystemView]) -> list[SatelliteArchive]:
    """Every satellite file of the archive folder (labels.csv aside), each checked whole."""
    files = sorted(p for p in Path(folder).glob("*.csv") if p.name != "labels.csv")
    if not files:
        raise ArchiveError(f"{folder}: no <SATELLITE_ID>.csv files")
    archives, problems = [], []
    for path in files:
        try:
            archives.append(read_satellite_csv(path, subsystems))
        except ArchiveError as exc:
            problems.append(str(exc))
    if problems:
        raise ArchiveError("\n".join(problems))
    return archives


def write_satellite_csv(path: Path, subsystems: Sequence[SubsystemView], archive: SatelliteArchive) -> None:
    table = np.concatenate([archive.values[view.name] for view in subsystems], axis=1)
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["timestamp", *column_names(subsystems)])
        for time_ns, row in zip(archive.times_ns, table):
            stamp = datetime.fromtimestamp(int(time_ns) // 1_000_000_000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            writer.writerow([stamp, *(f"{v:.6g}" for v in row)])
