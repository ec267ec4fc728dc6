"""Trend query planning: PromQL and step selection (downsampled to the chart's width)."""

from __future__ import annotations

from dataclasses import dataclass

from satmon_core.identifiers import label_value

__all__ = ["TrendRange", "plan_range", "feature_query", "MAX_POINTS", "TrendError"]

MAX_POINTS = 1000
MAX_RANGE_S = 31 * 86400


class TrendError(ValueError):
    def __init__(self, field: str, description: str) -> None:
        super().__init__(f"{field}: {description}")
        self.field = field
        self.description = description


@dataclass(frozen=True)
class TrendRange:
    start_s: float
    end_s: float
    step_s: float


def plan_range(start_s: float | None, end_s: float | None, step_s: int, now_s: float) -> TrendRange:
    end = end_s or now_s
    start = start_s or end - 3600
    if end <= start:
        raise TrendError("end_time", "must be after start_time")
    if end - start > MAX_RANGE_S:
        raise TrendError("start_time", "ranges longer than 31 days are not served")
    step = step_s or max(1, round((end - start) / MAX_POINTS))
    if (end - start) / step > 11000:
        raise TrendError("step_seconds", "would return more than 11,000 points per series")
    return TrendRange(start, end, step)


def feature_query(metric: str, satellite_id: str, subsystem: str, features: list[int], step_s: float) -> str:
    selector = (f'{metric}{{satellite_id="{label_value(satellite_id)}",subsystem="{subsystem}",'
                f'feature_index=~"{"|".join(str(f) for f in features)}"}}')
    # Downsample by averaging within each step rather than sampling one raw point.
    return f"avg_over_time({selector}[{int(step_s)}s])" if step_s > 1 else selector
