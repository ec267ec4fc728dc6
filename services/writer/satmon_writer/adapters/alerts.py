"""Alerts in PostgreSQL: a run of anomalous windows on one satellite and subsystem.

An anomalous window extends the satellite/subsystem's newest unresolved alert
when it starts within ALERT_GAP of that alert's end; otherwise it opens a new
alert. `alert_windows` remembers which window extended which alert, so a
redelivered result changes nothing. Results for one satellite arrive in order
on one partition, handled by one writer, so no two writers race on an alert.
"""

from __future__ import annotations

from datetime import timedelta, timezone

import psycopg
from psycopg_pool import ConnectionPool

from satmon.detection.v1 import events_pb2
from satmon_core.errors import TransientError
from satmon_core.topics import SUBSYSTEMS

__all__ = ["AlertStore", "ALERT_GAP"]

ALERT_GAP = timedelta(seconds=60)


class AlertStore:
    def __init__(self, dsn: str) -> None:
        self.pool = ConnectionPool(dsn, min_size=1, max_size=2, open=True, kwargs={"connect_timeout": 5})

    def record(self, results: list[events_pb2.InferenceResult]) -> list[int]:
        """Applies anomalous results; returns ids of alerts opened or extended."""
        anomalous = sorted((r for r in results if r.is_anomaly), key=lambda r: r.sample_times[0].ToNanoseconds())
        if not anomalous:
            return []
        touched = []
        try:
            with self.pool.connection() as conn, conn.transaction():
                for r in anomalous:
                    subsystem = SUBSYSTEMS[r.subsystem]
                    if conn.execute("SELECT 1 FROM alert_windows WHERE job_id = %s AND subsystem = %s",
                                    (r.job_id, subsystem)).fetchone():
                        continue
                    start = r.sample_times[0].ToDatetime(tzinfo=timezone.utc)
                    end = r.sample_times[-1].ToDatetime(tzinfo=timezone.utc)
                    row = conn.execute(
                        "SELECT alert_id FROM alerts WHERE satellite_id = %s AND subsystem = %s AND state <> 'resolved' "
                        "AND end_time >= %s ORDER BY end_time DESC LIMIT 1",
                        (r.satellite_id, subsystem, start - ALERT_GAP)).fetchone()
                    if row:
                        alert_id = row[0]
                        conn.execute("UPDATE alerts SET end_time = greatest(end_time, %s), "
                                     "start_time = least(start_time, %s), peak_score = greatest(peak_score, %s), "
                                     "window_count = window_count + 1, updated_at = now() WHERE alert_id = %s",
                                     (end, start, r.max_score, alert_id))
                    else:
                        alert_id = conn.execute(
                            "INSERT INTO alerts (satellite_id, subsystem, model_name, start_time, end_time, peak_score) "
                            "VALUES (%s, %s, %s, %s, %s, %s) RETURNING alert_id",
                            (r.satellite_id, subsystem, r.model_name, start, end, r.max_score)).fetchone()[0]
                    conn.execute("INSERT INTO alert_windows (alert_id, job_id, subsystem) VALUES (%s, %s, %s)",
                                 (alert_id, r.job_id, subsystem))
                    touched.append(alert_id)
        except psycopg.OperationalError as exc:
            raise TransientError(f"PostgreSQL: {exc}") from exc
        return touched

    def close(self) -> None:
        self.pool.close()
