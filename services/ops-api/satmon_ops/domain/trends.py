"""Trend query planning: PromQL and step selection (downsampled to the chart's width)."""

from __future__ import annotations

from dataclasses import dataclass

from satmon_core.errors import InvalidArgument
from satmon_core.identifiers import label_value
from satmon_mdb import SubsystemView

__all__ = ["TrendRange", "check_span", "plan_range", "feature_query", "MAX_POINTS", "select_parameters", "subsystem_of"]

MAX_POINTS = 1000
MAX_RANGE_S = 31 * 86400


@dataclass(frozen=True)
class TrendRange:
    start_s: float
    end_s: float
    step_s: float


def check_span(start_s: float, end_s: float) -> None:
    """Every time range an operator gives (trends, statistics, search): ordered and at most 31 days
    (jobs are kept 30 days, raw telemetry is served downsampled to ~1000 points)."""
    if end_s <= start_s:
        raise InvalidArgument("end_time", "must be after start_time")
    if end_s - start_s > MAX_RANGE_S:
        raise InvalidArgument("start_time", "ranges longer than 31 days are not served")


def plan_range(start_s: float | None, end_s: float | None, step_s: int, now_s: float) -> TrendRange:
    end = end_s or now_s
    start = start_s or end - 3600
    check_span(start, end)
    step = step_s or max(1, round((end - start) / MAX_POINTS))
    if (end - start) / step > 11000:
        raise InvalidArgument("step_seconds", "would return more than 11,000 points per series")
    return TrendRange(start, end, step)


def feature_query(metric: str, satellite_id: str, subsystem: str, features: list[str], step_s: float,
                  label: str = "feature_index") -> str:
    """`features`: values of `label` (feature indices for SMAP's series, parameter names for others)."""
    selector = (f'{metric}{{satellite_id="{label_value(satellite_id)}",subsystem="{subsystem}",'
                f'{label}=~"{"|".join(str(f) for f in features)}"}}')
    # Downsample by averaging within each step rather than sampling one raw point.
    return f"avg_over_time({selector}[{int(step_s)}s])" if step_s > 1 else selector


def subsystem_of(subsystems: tuple[SubsystemView, ...], name: str) -> SubsystemView:
    """The satellite's class's subsystem of that name; INVALID_ARGUMENT naming `subsystem` otherwise."""
    for view in subsystems:
        if view.name == name:
            return view
    raise InvalidArgument("subsystem", f"{name!r} is not a subsystem of the satellite's class "
                                       f"({', '.join(v.name for v in subsystems)})")


def select_parameters(view: SubsystemView, names: list[str], indices: list[int]) -> list[int]:
    """Positions of the parameters a trend asks for, by name and by position (both empty: all)."""
    if not names and not indices:
        return list(range(view.width))
    positions = {name: i for i, name in enumerate(view.parameter_names)}
    chosen: dict[int, None] = {}
    for i, name in enumerate(names):
        if name not in positions:
            raise InvalidArgument(f"parameters[{i}]", f"{view.name} has no parameter {name!r}")
        chosen[positions[name]] = None
    for i, index in enumerate(indices):
        if index >= view.width:
            raise InvalidArgument(f"feature_indices[{i}]", f"{view.name} has {view.width} parameters (0 to {view.width - 1})")
        chosen[index] = None
    return sorted(chosen)
