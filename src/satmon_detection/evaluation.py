"""Scoring alerts against SMAP labels.

An alert is an interval of records [start, end] (end inclusive) plus the record
whose arrival raised it (`raised_at`), as `satmon_detection.detector` produces
them live.

- Event-wise (Hundman et al., KDD 2018; Orion), the headline: a labelled
  sequence is a true positive once if any alert overlaps it; an alert
  overlapping no sequence is one false alert.
- Corrected event-wise precision (Sehili & Zhang, as used by ESA-ADB): event
  precision x (1 - the fraction of normal records flagged), so a few
  enormous alerts cannot buy recall for free.
- Detection delay: records from a sequence's start to the record that raised
  the first alert overlapping it (0 when it was raised before the start).
- Point-adjusted (TranAD; labelled as such, it flatters): rows flagged by
  alerts, with every row of a detected sequence counted as flagged.
- Point-wise: rows flagged by alerts against labelled rows, unadjusted.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import NamedTuple

import numpy as np

__all__ = ["Alert", "ChannelScore", "score_channel", "aggregate"]


class Alert(NamedTuple):
    start: int
    end: int
    raised_at: int


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _f1(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _delay_figures(delays: list[int]) -> dict:
    return {"median_detection_delay": float(np.median(delays)) if delays else None,
            "p90_detection_delay": float(np.percentile(delays, 90)) if delays else None}


@dataclass
class ChannelScore:
    channel: str
    threshold: float
    alerts: list[Alert]
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
    normal_rows: int
    delays: list[int] = field(default_factory=list)

    def to_json(self) -> dict:
        out = asdict(self)
        out["event_precision"], out["event_recall"], out["event_f1"] = _f1(self.event_tp, self.event_fp, self.event_fn)
        out["false_alerts"] = self.event_fp
        out["point_f1"] = _f1(self.point_tp, self.point_fp, self.point_fn)[2]
        out["point_adjusted_f1"] = _f1(self.adjusted_tp, self.adjusted_fp, self.adjusted_fn)[2]
        out.update(_delay_figures(self.delays))
        out["alerts"] = [list(a) for a in self.alerts]  # [start, end, raised_at]
        out["labels"] = [list(s) for s in self.labels]
        return out


def score_channel(channel: str, alerts: list[Alert], labels: list[tuple[int, int]],
                  length: int, threshold: float) -> ChannelScore:
    alerts = [Alert(*a) for a in alerts]
    event_fp = sum(1 for a in alerts if not any(_overlaps(a[:2], s) for s in labels))
    predicted = np.zeros(length, dtype=bool)
    for a in alerts:
        predicted[a.start:a.end + 1] = True
    truth = np.zeros(length, dtype=bool)
    for start, end in labels:
        truth[start:end + 1] = True
    adjusted = predicted.copy()
    detected, delays = [], []
    for start, end in labels:
        raised = [a.raised_at for a in alerts if _overlaps(a[:2], (start, end))]
        detected.append(bool(raised))
        if raised:
            adjusted[start:end + 1] = True
            delays.append(max(0, min(raised) - start))
    return ChannelScore(
        channel=channel, threshold=threshold, alerts=alerts, labels=list(labels),
        event_tp=sum(detected), event_fp=event_fp, event_fn=len(labels) - sum(detected),
        point_tp=int((predicted & truth).sum()), point_fp=int((predicted & ~truth).sum()),
        point_fn=int((~predicted & truth).sum()),
        adjusted_tp=int((adjusted & truth).sum()), adjusted_fp=int((adjusted & ~truth).sum()),
        adjusted_fn=int((~adjusted & truth).sum()), normal_rows=int((~truth).sum()), delays=delays)


def aggregate(scores: list[ChannelScore]) -> dict:
    """Overall figures: counts summed over channels (micro-averaged), as Orion and TranAD report."""
    total = {k: sum(getattr(s, k) for s in scores) for k in
             ("event_tp", "event_fp", "event_fn", "point_tp", "point_fp", "point_fn",
              "adjusted_tp", "adjusted_fp", "adjusted_fn", "normal_rows")}
    delays = [d for s in scores for d in s.delays]
    precision, recall, f1 = _f1(total["event_tp"], total["event_fp"], total["event_fn"])
    normal_flagged = total["point_fp"] / total["normal_rows"] if total["normal_rows"] else 0.0
    corrected_precision = precision * (1.0 - normal_flagged)
    corrected_f1 = (2 * corrected_precision * recall / (corrected_precision + recall)
                    if corrected_precision + recall else 0.0)
    adjusted = _f1(total["adjusted_tp"], total["adjusted_fp"], total["adjusted_fn"])
    return {
        **total,
        "channels": len(scores),
        "false_alerts": total["event_fp"],
        "event_precision": precision, "event_recall": recall, "event_f1": f1,
        "corrected_event_precision": corrected_precision, "corrected_event_f1": corrected_f1,
        "normal_fraction_flagged": normal_flagged,
        "point_f1": _f1(total["point_tp"], total["point_fp"], total["point_fn"])[2],
        "point_adjusted_precision": adjusted[0], "point_adjusted_recall": adjusted[1], "point_adjusted_f1": adjusted[2],
        **_delay_figures(delays),
    }
