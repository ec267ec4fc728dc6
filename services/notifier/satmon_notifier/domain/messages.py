"""The text of a notification: one message for a group of alert events, each with its trend link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["AlertLine", "Message", "compose"]


@dataclass(frozen=True)
class AlertLine:
    """One alert event as a message lists it."""

    alert_id: int
    reason: str  # "raised" or "escalated"
    severity: str
    kind: str
    satellite: str
    subsystem: str
    parameter: str
    start_time: datetime
    state: str
    trend_url: str
    peak_score: float | None = None
    offending_value: float | None = None
    limit_value: float | None = None


@dataclass(frozen=True)
class Message:
    title: str
    body: str


def compose(route: str, lines: list[AlertLine]) -> Message:
    """A title that says how many alerts, how severe and where; a body with one paragraph per alert."""
    worst = "critical" if any(line.severity == "critical" for line in lines) else "warning"
    satellites = sorted({line.satellite for line in lines})
    where = satellites[0] if len(satellites) == 1 else f"{len(satellites)} satellites"
    count = "1 alert" if len(lines) == 1 else f"{len(lines)} alerts"
    title = f"[satmon {worst.upper()}] {count} on {where}"
    paragraphs = [_paragraph(line) for line in sorted(lines, key=lambda line: line.alert_id)]
    body = "\n\n".join(paragraphs) + f"\n\n(route {route})"
    return Message(title, body)


def _paragraph(line: AlertLine) -> str:
    what = f"{line.kind} alert #{line.alert_id} {line.reason}: {line.severity}"
    where = f"{line.satellite} {line.subsystem}" + (f" {line.parameter}" if line.parameter else "")
    detail = ""
    if line.kind == "limit" and line.offending_value is not None and line.limit_value is not None:
        detail = f", value {line.offending_value:g} beyond limit {line.limit_value:g}"
    elif line.peak_score is not None:
        detail = f", peak score {line.peak_score:.3g}"
    return (f"{what} on {where}{detail}\n"
            f"since {line.start_time:%Y-%m-%d %H:%M:%S} UTC, now {line.state}\n"
            f"trend: {line.trend_url}")
