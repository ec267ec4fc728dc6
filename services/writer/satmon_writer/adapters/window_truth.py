"""The SQL side of domain.window_truth: the lock both transactions take, the "is this window
covered by an alert" test used at insert, the marking of stored windows when an alert grows, and the
stored spans the batch's windows are judged by."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import psycopg

from satmon_writer.domain.window_truth import AlertSpan, stream_lock_keys

__all__ = ["covered", "lock_streams", "mark_covered_windows", "stored_spans"]


def covered(job_id: str, subsystem: str, window_end: str, fresh_start: str) -> str:
    """SQL that is true when a model alert of the job's satellite and this subsystem covers a window
    from fresh_start to window_end: the arguments are SQL expressions (columns of the rows inserted)."""
    return (f"EXISTS (SELECT 1 FROM detector_alerts a JOIN inference_jobs j ON j.job_id = {job_id} "
            f"WHERE a.kind = 'model' AND a.satellite_id = j.satellite_id AND a.subsystem = {subsystem} "
            f"AND a.start_time <= {window_end} AND a.end_time >= {fresh_start})")


def lock_streams(cur: psycopg.Cursor, pairs: Iterable[tuple[str, str]]) -> None:
    """Takes the transaction's advisory locks on these (satellite, subsystem) pairs, in key order."""
    keys = stream_lock_keys(pairs)
    if keys:
        cur.execute("SELECT pg_advisory_xact_lock(k) FROM unnest(%s::bigint[]) AS k", (keys,))


def mark_covered_windows(conn: psycopg.Connection, satellite_id: str, subsystem: str, start: datetime,
                         end: datetime) -> list[tuple[str, str, str, datetime]]:
    """Marks the stored windows an alert spanning [start, end] covers (a stream window by its fresh rows,
    a manual job's window by any row); returns the stream windows it changed as (satellite, subsystem,
    model, window end time)."""
    changed = conn.execute(
        "UPDATE subsystem_inferences si SET anomaly_detected = true FROM inference_jobs j "
        "WHERE j.job_id = si.job_id AND j.satellite_id = %s AND si.subsystem = %s AND NOT si.anomaly_detected "
        "AND si.window_end_time >= %s AND coalesce(si.fresh_start_time, si.window_start_time) <= %s "
        "RETURNING j.satellite_id, si.subsystem, si.model_name, si.window_end_time, j.source",
        (satellite_id, subsystem, start, end)).fetchall()
    conn.execute(
        "UPDATE job_window_scores w SET anomaly_detected = true FROM inference_jobs j "
        "WHERE j.job_id = w.job_id AND j.satellite_id = %s AND w.subsystem = %s AND NOT w.anomaly_detected "
        "AND w.window_end_time >= %s AND w.window_start_time <= %s",
        (satellite_id, subsystem, start, end))
    return [row[:4] for row in changed if row[4] == "stream"]


def stored_spans(conn: psycopg.Connection, pairs: Iterable[tuple[str, str]], since: datetime) -> list[AlertSpan]:
    """Model alerts of these (satellite, subsystem) pairs that reach past `since`."""
    satellites, subsystems = zip(*set(pairs)) if pairs else ((), ())
    rows = conn.execute(
        "SELECT a.satellite_id, a.subsystem, a.start_time, a.end_time FROM detector_alerts a "
        "JOIN unnest(%s::text[], %s::text[]) AS p(satellite_id, subsystem) USING (satellite_id, subsystem) "
        "WHERE a.kind = 'model' AND a.end_time >= %s", (list(satellites), list(subsystems), since)).fetchall()
    return [AlertSpan(*row) for row in rows]
