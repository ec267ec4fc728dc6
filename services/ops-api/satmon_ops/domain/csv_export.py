"""CSV exports: telemetry pivoted to one row per timestamp, and alerts with their history.

Both are built a piece at a time (an hour of telemetry, a page of alerts), so an export of any
length streams in bounded memory: the server never holds more than one piece.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timezone

from satmon.ops.v1 import alert_pb2

__all__ = ["EXPORT_CHUNK_S", "time_chunks", "telemetry_header", "telemetry_rows", "ALERT_COLUMNS",
           "alerts_header", "alert_rows", "column_title"]

# An hour of 1 Hz telemetry: 3,600 rows, small enough to pivot in memory, large enough that a day
# is 24 requests to VictoriaMetrics, not thousands.
EXPORT_CHUNK_S = 3600


def time_chunks(start_s: float, end_s: float, chunk_s: float = EXPORT_CHUNK_S) -> Iterator[tuple[float, float]]:
    """[start, end) cut into consecutive half-open pieces of at most chunk_s."""
    at = start_s
    while at < end_s:
        yield at, min(at + chunk_s, end_s)
        at += chunk_s


def iso_ms(epoch_ms: int) -> str:
    return datetime.fromtimestamp(epoch_ms / 1000, tz=timezone.utc).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z")


def _csv(rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def column_title(name: str, unit: str) -> str:
    """A parameter's column heading: its name, and its unit in brackets when it has one."""
    return f"{name} [{unit}]" if unit else name


def telemetry_header(titles: Sequence[str]) -> str:
    return _csv([["time", *titles]])


def telemetry_rows(columns: Sequence[str], series: Mapping[str, tuple[Sequence[int], Sequence[float]]]) -> str:
    """One piece of the export: `series` maps a column to its (epoch milliseconds, values); rows come
    out in time order, one per timestamp, empty where a column has no value at that time."""
    table: dict[int, list[object]] = {}
    for position, column in enumerate(columns):
        times, values = series.get(column, ((), ()))
        for t, v in zip(times, values):
            table.setdefault(t, [""] * len(columns))[position] = repr(float(v))
    return _csv([iso_ms(t), *table[t]] for t in sorted(table))


ALERT_COLUMNS = ("alert_id", "satellite_id", "subsystem", "kind", "severity", "state", "parameter", "model_name",
                 "start_time", "end_time", "peak_score", "limit", "value", "window_count", "assignee",
                 "disposition", "tags", "history")


def _time(ts) -> str:
    return iso_ms(ts.ToMilliseconds()) if ts.seconds or ts.nanos else ""


def _history(alert: alert_pb2.Alert) -> str:
    """Every change, oldest first: `time action by operator (comment)`, one per line of the cell."""
    lines = []
    for change in alert.history:
        line = f"{_time(change.change_time)} {_enum(alert_pb2.AlertAction, change.action, 'ALERT_ACTION_')}"
        line += f" by {change.operator_name}" if change.operator_name else ""
        if change.disposition:
            line += f" as {_enum(alert_pb2.AlertDisposition, change.disposition, 'ALERT_DISPOSITION_')}"
        line += f" ({change.comment})" if change.comment else ""
        lines.append(line)
    return "\n".join(lines)


def _enum(enum, value: int, prefix: str) -> str:
    return enum.Name(value).removeprefix(prefix).lower() if value else ""


def alerts_header() -> str:
    return _csv([ALERT_COLUMNS])


def alert_rows(alerts: Iterable[alert_pb2.Alert]) -> str:
    return _csv([
        a.alert_id, a.satellite_id, a.subsystem, _enum(alert_pb2.AlertKind, a.kind, "ALERT_KIND_"),
        _enum(alert_pb2.AlertSeverity, a.severity, "ALERT_SEVERITY_"),
        _enum(alert_pb2.AlertState, a.state, "ALERT_STATE_"), a.parameter, a.model_name, _time(a.start_time),
        _time(a.end_time), repr(a.peak_score), repr(a.limit) if a.parameter else "",
        repr(a.value) if a.parameter else "", a.window_count, a.assignee,
        _enum(alert_pb2.AlertDisposition, a.disposition, "ALERT_DISPOSITION_"), ";".join(a.tags), _history(a),
    ] for a in alerts)
