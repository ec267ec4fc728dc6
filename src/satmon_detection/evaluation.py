"""Scoring detections against SMAP labels.

Alerts are computed exactly as the pipeline raises them: a window (30 rows,
stride 10) is anomalous when any per-timestep score exceeds the model's
threshold; overlapping or adjacent anomalous windows merge into one alert
spanning their rows.

- Event-wise (Hundman et al., KDD 2018; Orion): a labelled sequence is a true
  positive once if any alert overlaps it; an alert overlapping no sequence is
  one false positive.
- Point-adjusted (TranAD): rows flagged by alerts, with every row of a
  sequence counted as detected once any of its rows is.
- Point-wise: rows flagged by alerts against labelled rows, unadjusted.
- Detection delay: rows from a sequence's start to the first flagged row inside it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

__all__ = ["alert_intervals", "ChannelScore", "score_channel", "aggregate"]


def alert_intervals(window_starts: np.ndarray, anomalous: np.ndarray, window_size: int) -> list[tuple[int, int]]:
    """Merge anomalous windows into [start, end] row intervals, end inclusive."""
    intervals: list[list[int]] = []
    for start in window_starts[anomalous]:
        end = int(start) + window_size - 1
        if intervals and start <= intervals[-1][1] + 1:
            intervals[-1][1] = max(intervals[-1][1], end)
        else:
            intervals.append([int(start), end])
    return [(s, e) for s, e in intervals]


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _f1(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


@dataclass
class ChannelScore:
    channel: str
    threshold: float
    alerts: list[tuple[int, int]]
    labels: list[tuple[int, int]]
    event_tp: int
    event_fp: int
    event_fn: int
    point_tp: int
    point_fp: int
    point_fn: int
    adjusted_tp: int
    adjusted_fp: int
    adjusted_fn: int
    delays: list[int] = field(default_factory=list)

    def to_json(self) -> dict:
        out = asdict(self)
        out["event_precision"], out["event_recall"], out["event_f1"] = _f1(self.event_tp, self.event_fp, self.event_fn)
        out["point_f1"] = _f1(self.point_tp, self.point_fp, self.point_fn)[2]
        out["point_adjusted_f1"] = _f1(self.adjusted_tp, self.adjusted_fp, self.adjusted_fn)[2]
        out["median_detection_delay"] = float(np.median(self.delays)) if self.delays else None
        out["alerts"] = [list(a) for a in self.alerts]
        out["labels"] = [list(s) for s in self.labels]
        return out


def score_channel(channel: str, alerts: list[tuple[int, int]], labels: list[tuple[int, int]],
                  length: int, threshold: float) -> ChannelScore:
    detected = [any(_overlaps(a, s) for a in alerts) for s in labels]
    event_fp = sum(1 for a in alerts if not any(_overlaps(a, s) for s in labels))
    predicted = np.zeros(length, dtype=bool)
    for start, end in alerts:
        predicted[start:end + 1] = True
    truth = np.zeros(length, dtype=bool)
    for start, end in labels:
        truth[start:end + 1] = True
    adjusted = predicted.copy()
    delays = []
    for (start, end), hit in zip(labels, detected):
        if hit:
            adjusted[start:end + 1] = True
            delays.append(int(np.argmax(predicted[start:end + 1])))
    return ChannelScore(
        channel=channel, threshold=threshold, alerts=alerts, labels=list(labels),
        event_tp=sum(detected), event_fp=event_fp, event_fn=len(labels) - sum(detected),
        point_tp=int((predicted & truth).sum()), point_fp=int((predicted & ~truth).sum()),
        point_fn=int((~predicted & truth).sum()),
        adjusted_tp=int((adjusted & truth).sum()), adjusted_fp=int((adjusted & ~truth).sum()),
        adjusted_fn=int((~adjusted & truth).sum()), delays=delays)


def aggregate(scores: list[ChannelScore]) -> dict:
    """Overall figures: counts summed over channels (micro-averaged), as Orion and TranAD report."""
    total = {k: sum(getattr(s, k) for s in scores) for k in
             ("event_tp", "event_fp", "event_fn", "point_tp", "point_fp", "point_fn",
              "adjusted_tp", "adjusted_fp", "adjusted_fn")}
    delays = [d for s in scores for d in s.delays]
    precision, recall, f1 = _f1(total["event_tp"], total["event_fp"], total["event_fn"])
    return {
        **total,
        "channels": len(scores),
        "event_precision": precision, "event_recall": recall, "event_f1": f1,
        "point_f1": _f1(total["point_tp"], total["point_fp"], total["point_fn"])[2],
        "point_adjusted_precision": _f1(total["adjusted_tp"], total["adjusted_fp"], total["adjusted_fn"])[0],
        "point_adjusted_recall": _f1(total["adjusted_tp"], total["adjusted_fp"], total["adjusted_fn"])[1],
        "point_adjusted_f1": _f1(total["adjusted_tp"], total["adjusted_fp"], total["adjusted_fn"])[2],
        "median_detection_delay": float(np.median(delays)) if delays else None,
    }
