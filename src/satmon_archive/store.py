"""An archive into and out of VictoriaMetrics, under the names the writer stores live telemetry
with (satmon_core.series_names), so imported history and live values are one series."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import numpy as np

from satmon_archive.csv_archive import SatelliteArchive
from satmon_core.identifiers import label_value
from satmon_core.series_names import series_names
from satmon_core.victoria import VictoriaMetrics
from satmon_mdb import SubsystemView

__all__ = ["archive_lines", "import_archive", "read_stored"]

LINES_PER_IMPORT = 50_000


def archive_lines(archive: SatelliteArchive, subsystems: Sequence[SubsystemView]) -> Iterator[str]:
    sat = label_value(archive.satellite_id)
    times_ms = (archive.times_ns // 1_000_000).tolist()
    for view in subsystems:
        names = series_names(view)
        values = archive.values[view.name]
        for index in range(view.width):
            prefix = (f'{names.raw}{{satellite_id="{sat}",subsystem="{view.name}",'
                      f'{names.label}="{names.label_value(view, index)}"}} ')
            for time_ms, value in zip(times_ms, values[:, index].tolist()):
                yield f"{prefix}{value!r} {time_ms}"


def import_archive(vm: VictoriaMetrics, archive: SatelliteArchive, subsystems: Sequence[SubsystemView],
                   progress: Callable[[int], None] = lambda n: None) -> int:
    """Imports every value; returns how many samples. Importing again stores nothing twice
    (VictoriaMetrics keeps one sample per series and time)."""
    batch: list[str] = []
    count = 0
    for line in archive_lines(archive, subsystems):
        batch.append(line)
        if len(batch) >= LINES_PER_IMPORT:
            vm.import_lines(batch)
            count += len(batch)
            progress(len(batch))
            batch = []
    if batch:
        vm.import_lines(batch)
        count += len(batch)
        progress(len(batch))
    vm.make_searchable()  # training usually reads it back next
    return count


def read_stored(vm: VictoriaMetrics, satellite_id: str, subsystems: Sequence[SubsystemView], start_s: float,
                end_s: float) -> SatelliteArchive | None:
    """The satellite's stored values in [start, end]: the times at which every parameter of every
    subsystem has a value (None when there are none)."""
    columns: dict[tuple[str, int], dict[int, float]] = {}
    for view in subsystems:
        names = series_names(view)
        match = f'{names.raw}{{satellite_id="{label_value(satellite_id)}",subsystem="{view.name}"}}'
        for series in vm.export(match, start_s, end_s, timeout=120):
            try:
                index = names.index_of(view, series["metric"][names.label])
            except (KeyError, ValueError):
                continue
            columns[(view.name, index)] = dict(zip(series["timestamps"], series["values"]))
    wanted = [(view.name, i) for view in subsystems for i in range(view.width)]
    if any(key not in columns for key in wanted):
        return None
    times = sorted(set.intersection(*(set(columns[key]) for key in wanted)))
    if not times:
        return None
    values = {view.name: np.array([[columns[(view.name, i)][t] for i in range(view.width)] for t in times],
                                  dtype=np.float32) for view in subsystems}
    return SatelliteArchive(satellite_id, np.asarray(times, dtype=np.int64) * 1_000_000, values)
