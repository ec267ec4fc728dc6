"""Reading inference jobs and their per-subsystem results from PostgreSQL.

The writer owns these tables (satmon_writer.adapters.jobs, fed by the jobs topic); the
scheduler, the worker and the ops API read them here, connected as roles that may only read them.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import NamedTuple

from psycopg.rows import dict_row

from satmon.detection.v1 import job_pb2
from satmon_core.errors import InvalidArgument
from satmon_core.postgres import make_pool, postgres_outage_is_transient

__all__ = ["JobQueries", "SOURCE_NAMES", "STATE_NAMES", "PageCursor", "encode_page_token", "decode_page_token"]

SOURCE_NAMES = {job_pb2.JOB_SOURCE_STREAM: "stream", job_pb2.JOB_SOURCE_RULE: "rule",
                job_pb2.JOB_SOURCE_MANUAL: "manual"}
STATE_NAMES = {job_pb2.JOB_STATE_PENDING: "pending", job_pb2.JOB_STATE_PROCESSING: "processing",
               job_pb2.JOB_STATE_COMPLETED: "completed", job_pb2.JOB_STATE_FAILED: "failed"}
_SOURCE_VALUES = {v: k for k, v in SOURCE_NAMES.items()}
_STATE_VALUES = {v: k for k, v in STATE_NAMES.items()}


def encode_page_token(created_at: datetime, key: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([created_at.isoformat(), key]).encode()).decode()


class PageCursor(NamedTuple):
    """Where a page continues: after the row with this creation time and key."""

    created_at: datetime
    key: str


def decode_page_token(token: str, numeric_key: bool = False) -> PageCursor | None:
    """The cursor of a token this service issued (None for no token). Decoded before any query runs,
    so only a bad token, never a failing query, reads as INVALID_ARGUMENT naming page_token."""
    if not token:
        return None
    try:
        created, key = json.loads(base64.urlsafe_b64decode(token.encode()))
        cursor = PageCursor(datetime.fromisoformat(created), str(key))
        if numeric_key:
            int(cursor.key)
    except (ValueError, TypeError, binascii.Error) as exc:
        raise InvalidArgument("page_token", "is not a token this service issued") from exc
    return cursor


def _ts(dt: datetime | None):
    from google.protobuf.timestamp_pb2 import Timestamp

    if dt is None:
        return None
    ts = Timestamp()
    ts.FromDatetime(dt.astimezone(timezone.utc))
    return ts


class JobQueries:
    def __init__(self, dsn: str, max_size: int = 8) -> None:
        self.pool = make_pool(dsn, max_size, statement_timeout_ms=10_000)

    def close(self) -> None:
        self.pool.close()

    def completed_jobs(self, job_ids: Sequence[str]) -> set[str]:
        if not job_ids:
            return set()
        with postgres_outage_is_transient(), self.pool.connection() as conn:
            rows = conn.execute("SELECT job_id FROM inference_jobs WHERE job_id = ANY(%s) "
                                "AND status IN ('completed', 'failed')", (list(job_ids),)).fetchall()
        return {r[0] for r in rows}

    def latest_model(self, satellite_id: str, subsystem: str) -> str | None:
        """The model most recently used for a satellite's subsystem (its replayed SMAP channel)."""
        with self.pool.connection() as conn:
            row = conn.execute("SELECT si.model_name FROM subsystem_inferences si JOIN inference_jobs j USING (job_id) "
                               "WHERE j.satellite_id = %s AND si.subsystem = %s ORDER BY si.created_at DESC LIMIT 1",
                               (satellite_id, subsystem)).fetchone()
        return row[0] if row else None

    def get_job(self, job_id: str) -> job_pb2.InferenceJob | None:
        jobs = self._jobs("WHERE j.job_id = %s", [job_id], limit=1)
        return jobs[0] if jobs else None

    def window_scores(self, job_id: str) -> list[job_pb2.WindowScore]:
        """Every window the job scored: its own rows for a manual job, else its one window per subsystem."""
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            rows = cur.execute(
                "SELECT subsystem, start_sequence, model_name, window_start_time, window_end_time, anomaly_score, "
                "max_score, threshold, anomaly_detected FROM job_window_scores WHERE job_id = %s "
                "UNION ALL "
                "SELECT subsystem, start_sequence, model_name, window_start_time, window_end_time, anomaly_score, "
                "max_score, threshold, anomaly_detected FROM subsystem_inferences si WHERE job_id = %s "
                "AND NOT EXISTS (SELECT 1 FROM job_window_scores w WHERE w.job_id = si.job_id) "
                "ORDER BY subsystem, start_sequence", (job_id, job_id)).fetchall()
        return [job_pb2.WindowScore(
            subsystem=r["subsystem"], model_name=r["model_name"],
            start_sequence=r["start_sequence"] or 0, window_start_time=_ts(r["window_start_time"]),
            window_end_time=_ts(r["window_end_time"]), anomaly_score=r["anomaly_score"] or 0.0,
            max_score=r["max_score"] or 0.0, threshold=r["threshold"] or 0.0,
            anomaly_detected=r["anomaly_detected"]) for r in rows]

    def list_jobs(self, page_size: int, cursor: PageCursor | None = None, satellite_id: str = "", state: int = 0,
                  source: int = 0) -> tuple[list[job_pb2.InferenceJob], str]:
        clauses, params = [], []
        if satellite_id:
            clauses.append("j.satellite_id = %s")
            params.append(satellite_id)
        if state:
            clauses.append("j.status = %s")
            params.append(STATE_NAMES[state])
        if source:
            clauses.append("j.source = %s")
            params.append(SOURCE_NAMES[source])
        if cursor:
            clauses.append("(j.created_at, j.job_id) < (%s, %s)")
            params += [cursor.created_at, cursor.key]
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        jobs, last = self._jobs(where, params, limit=page_size + 1, with_cursor=True)
        if len(jobs) > page_size:
            return jobs[:page_size], encode_page_token(*last[page_size - 1])
        return jobs, ""

    def _jobs(self, where: str, params: list, limit: int, with_cursor: bool = False):
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            jobs = cur.execute(f"SELECT * FROM inference_jobs j {where} ORDER BY j.created_at DESC, j.job_id DESC "
                               f"LIMIT %s", [*params, limit]).fetchall()
            ids = [j["job_id"] for j in jobs]
            rows = cur.execute("SELECT * FROM subsystem_inferences WHERE job_id = ANY(%s) ORDER BY subsystem",
                               (ids,)).fetchall() if ids else []
        by_job: dict[str, list[dict]] = {}
        for row in rows:
            by_job.setdefault(row["job_id"], []).append(row)
        messages = [self._to_proto(j, by_job.get(j["job_id"], [])) for j in jobs]
        if with_cursor:
            return messages, [(j["created_at"], j["job_id"]) for j in jobs]
        return messages

    @staticmethod
    def _to_proto(job: dict, rows: list[dict]) -> job_pb2.InferenceJob:
        message = job_pb2.InferenceJob(
            job_id=job["job_id"], satellite_id=job["satellite_id"], source=_SOURCE_VALUES[job["source"]],
            trigger_reason=job["trigger_reason"] or "", state=_STATE_VALUES[job["status"]],
            error_message=job["error_message"] or "", create_time=_ts(job["created_at"]),
            complete_time=_ts(job["completed_at"]))
        for row in rows:
            message.subsystem_inferences.add(
                subsystem=row["subsystem"], model_name=row["model_name"],
                state=_STATE_VALUES[row["status"]], anomaly_detected=row["anomaly_detected"],
                anomaly_score=row["anomaly_score"] or 0.0, inference_time_ms=row["inference_time_ms"] or 0.0,
                window_start_time=_ts(row["window_start_time"]), window_end_time=_ts(row["window_end_time"]),
                model_version=row["model_version"] or "", max_score=row["max_score"] or 0.0,
                threshold=row["threshold"] or 0.0, start_sequence=row["start_sequence"] or 0)
        return message
