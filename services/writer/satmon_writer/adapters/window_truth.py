"""The SQL side of domain.window_truth: the lock both transactions take, the "is this window
covered by an alert" test used at insert, and the marking of stored windows when an alert grows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import psycopg

from satmon_writer.domain.window_truth import stream_lock_keys

__all__ = ["COVERED", "lock_streams", "mark_covered_windows"]

# Parameters: job_id, subsystem, window_end_time, fresh_start_time.
COVERED = ("EXISTS (SELECT 1 FROM detector_alerts a JOIN inference_jobs j ON j.job_id = %s "
           "WHERE a.kind = 'model' AND a.satellite_id = j.satellite_id AND a.subsystem = %s "
           "AND a.start_time <= %s AND a.end_time >= %s)")


def lock_streams(cur: psycopg.Cursor, pairs: Iterable[tuple[str, str]]) -> None:
    """Takes the transaction's advisory locks on these (satellite, subsystem) pairs, in key order."""
    keys = stream_lock_keys(pairs)
    if keys:
        cur.execute("SELECT pg_advisory_xact_lock(k) FROM unnest(%s::bigint[]) AS k", (keys,))


def mark_covered_windows(conn: psycopg.Connection, satellite_id: str, subsystem: str, start: datetime,
                         end: datetime) -> int:
    """Marks the stored windows an alert spanning [start, end] covers (a stream window by its fresh rows,
    a manual job's window by any row); returns how many changed."""
    changed = conn.execute(
        "UPDATE subsystem_inferences si SET anomaly_detected = true FROM inference_jobs j "
        "WHERE j.job_id = si.job_id AND j.satellite_id = %s AND si.subsystem = %s AND NOT si.anomaly_detected "
        "AND si.window_end_time >= %s AND coalesce(si.fresh_start_time, si.window_start_time) <= %s",
        (satellite_id, subsystem, start, end)).rowcount
    changed += conn.execute(
        "UPDATE job_window_scores w SET anomaly_detected = true FROM inference_jobs j "
        "WHERE j.job_id = w.job_id AND j.satellite_id = %s AND w.subsystem = %s AND NOT w.anomaly_detected "
        "AND w.window_end_time >= %s AND w.window_start_time <= %s",
        (satellite_id, subsystem, start, end)).rowcount
    return changed
