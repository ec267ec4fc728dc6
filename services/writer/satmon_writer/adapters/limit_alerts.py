"""Limit alerts in detector_alerts (kind 'limit'), beside the detector's, in one list operators work.

Applied in one transaction per consumed batch. At most one limit alert is open per satellite,
subsystem and parameter (a unique index): raising one that is open already is a no-op, so a
monitor that starts afresh and sees a violation again does not double it.
"""

from __future__ import annotations

from datetime import datetime, timezone

from satmon_core.postgres import make_pool, postgres_outage_is_transient
from satmon_writer.domain.limits import Level, LimitEvent

__all__ = ["LimitAlertStore"]

SEVERITY = {Level.WARNING: "warning", Level.CRITICAL: "critical"}
LEVEL = {name: level for level, name in SEVERITY.items()}


def _time(ns: int) -> datetime:
    return datetime.fromtimestamp(ns / 1e9, tz=timezone.utc)


class LimitAlertStore:
    def __init__(self, dsn: str) -> None:
        self.pool = make_pool(dsn, max_size=1)

    def open_levels(self) -> list[tuple[tuple[str, str, str], Level]]:
        with postgres_outage_is_transient(), self.pool.connection() as conn:
            rows = conn.execute("SELECT satellite_id, subsystem, parameter, severity FROM detector_alerts "
                                "WHERE kind = 'limit' AND state = 'open'").fetchall()
        return [((sat, subsystem, parameter), LEVEL[severity]) for sat, subsystem, parameter, severity in rows]

    def apply(self, events: list[LimitEvent]) -> list[int]:
        """Writes the transitions; returns the ids of the alerts raised, changed or cleared."""
        touched: list[int] = []
        with postgres_outage_is_transient(), self.pool.connection() as conn, conn.transaction():
            for e in events:
                key = (e.satellite_id, e.subsystem, e.parameter)
                if e.kind == "raised":
                    row = conn.execute(
                        "INSERT INTO detector_alerts (satellite_id, subsystem, model_name, start_time, end_time, "
                        "peak_score, window_count, start_sequence, end_sequence, raised_sequence, kind, severity, "
                        "parameter, limit_value, offending_value) "
                        "VALUES (%s, %s, '', %s, %s, 0, 0, %s, %s, %s, 'limit', %s, %s, %s, %s) "
                        "ON CONFLICT (satellite_id, subsystem, parameter) WHERE kind = 'limit' AND state = 'open' "
                        "DO NOTHING RETURNING alert_id",
                        (*key[:2], _time(e.time_ns), _time(e.time_ns), e.sequence, e.sequence, e.sequence,
                         SEVERITY[e.level], e.parameter, e.limit, e.value)).fetchone()
                elif e.kind == "changed":
                    # The worst level reached stays: a red excursion that eases to yellow is still critical.
                    row = conn.execute(
                        "UPDATE detector_alerts SET end_time = greatest(end_time, %s), end_sequence = %s, "
                        "severity = CASE WHEN %s = 'critical' THEN 'critical' ELSE severity END, "
                        "limit_value = CASE WHEN %s = 'critical' THEN %s ELSE limit_value END, "
                        "offending_value = CASE WHEN %s = 'critical' THEN %s ELSE offending_value END, "
                        "updated_at = now() WHERE kind = 'limit' AND state = 'open' AND satellite_id = %s "
                        "AND subsystem = %s AND parameter = %s RETURNING alert_id",
                        (_time(e.time_ns), e.sequence, SEVERITY[e.level], SEVERITY[e.level], e.limit,
                         SEVERITY[e.level], e.value, *key)).fetchone()
                else:
                    row = conn.execute(
                        "UPDATE detector_alerts SET end_time = greatest(end_time, %s), end_sequence = %s, "
                        "state = 'closed', closed_at = now(), updated_at = now() WHERE kind = 'limit' "
                        "AND state = 'open' AND satellite_id = %s AND subsystem = %s AND parameter = %s "
                        "RETURNING alert_id", (_time(e.time_ns), e.sequence, *key)).fetchone()
                if row:
                    touched.append(row[0])
        return touched

    def close(self) -> None:
        self.pool.close()
