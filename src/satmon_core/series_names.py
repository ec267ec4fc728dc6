"""The VictoriaMetrics names of a class's stored values, written by the writer and read by the ops
API and the scheduler: one place, so the three cannot drift apart.

SMAP keeps the design documents' names, which its operators query:
    smap_feature{satellite_id, subsystem, feature_index}      raw values
    smap_prediction{satellite_id, subsystem, feature_index}   the model's reconstruction
Every other class is stored under its parameters' names:
    telemetry_value{satellite_id, subsystem, parameter}
    telemetry_prediction{satellite_id, subsystem, parameter}  telemetry parameters only
"""

from __future__ import annotations

from dataclasses import dataclass

from satmon_mdb import SubsystemView

__all__ = ["SeriesNames", "series_names"]


@dataclass(frozen=True)
class SeriesNames:
    raw: str
    prediction: str
    label: str  # the label that tells a subsystem's parameters apart

    def label_value(self, view: SubsystemView, index: int) -> str:
        return str(index) if self.label == "feature_index" else view.parameter_names[index]

    def index_of(self, view: SubsystemView, value: str) -> int:
        return int(value) if self.label == "feature_index" else view.parameter_names.index(value)


SMAP = SeriesNames("smap_feature", "smap_prediction", "feature_index")
BY_PARAMETER = SeriesNames("telemetry_value", "telemetry_prediction", "parameter")


def series_names(view: SubsystemView) -> SeriesNames:
    return SMAP if view.smap_metric_names else BY_PARAMETER
