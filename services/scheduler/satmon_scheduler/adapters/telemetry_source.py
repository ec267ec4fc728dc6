"""Pulling stored telemetry from VictoriaMetrics for manual jobs over a time range."""

from __future__ import annotations

import numpy as np

from satmon.detection.v1 import events_pb2
from satmon_core.series_names import series_names
from satmon_core.victoria import VictoriaMetrics
from satmon_mdb import SubsystemView
from satmon_core.identifiers import label_value

__all__ = ["TelemetrySource"]


class TelemetrySource:
    def __init__(self, vm: VictoriaMetrics) -> None:
        self.vm = vm

    def series(self, satellite_id: str, view: SubsystemView, model_name: str, start_s: float, end_s: float
               ) -> events_pb2.Window | None:
        """All raw rows in [start, end] as one long window (rows with every parameter present)."""
        names, width, subsystem = series_names(view), view.width, view.name
        match = f'{names.raw}{{satellite_id="{label_value(satellite_id)}",subsystem="{subsystem}"}}'
        series = self.vm.export(match, start_s, end_s)
        by_time: dict[int, np.ndarray] = {}
        for s in series:
            try:
                index = names.index_of(view, s["metric"][names.label])
            except (KeyError, ValueError):
                continue  # a parameter the class no longer declares
            if index >= width:
                continue  # stored under an earlier declaration of the class
            for ts, value in zip(s["timestamps"], s["values"]):
                by_time.setdefault(ts, np.full(width, np.nan, dtype=np.float32))[index] = value
        times = sorted(t for t, row in by_time.items() if np.isfinite(row).all())
        if not times:
            return None
        window = events_pb2.Window(satellite_id=satellite_id, subsystem=subsystem, spacecraft_class=view.spacecraft_class,
                                   model_name=model_name, feature_count=width)
        for t in times:
            window.sample_times.add().FromMilliseconds(t)
            window.values.extend(by_time[t].tolist())
        return window
