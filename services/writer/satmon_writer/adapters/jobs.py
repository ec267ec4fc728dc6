"""Inference jobs in PostgreSQL: the writer owns inference_jobs, subsystem_inferences and
job_window_scores, and fills them from the jobs topic (JobUpdate).

Every write is idempotent, so a redelivered update changes nothing: jobs upsert on job_id, and a
finished job (completed or failed) is never set back or overwritten; subsystem and window rows
insert with ON CONFLICT DO NOTHING. A job's updates share a partition (keyed by job id) and the
scheduler publishes a manual job's PENDING update before queueing its task, so PENDING arrives
before the worker's outcome; if it ever came later it would change nothing.
"""

from __future__ import annotations

import json
from datetime import timezone

from satmon.detection.v1 import events_pb2, job_pb2
from satmon_core.job_queries import SOURCE_NAMES, STATE_NAMES
from satmon_core.postgres import as_columns, make_pool, postgres_outage_is_transient
from satmon_writer.adapters.window_truth import covered, lock_streams
from satmon_writer.domain.window_truth import fresh_start_time

__all__ = ["JobRecorder"]


_FINISHED = (job_pb2.JOB_STATE_COMPLETED, job_pb2.JOB_STATE_FAILED)


def _dt(ts):
    return ts.ToDatetime(tzinfo=timezone.utc) if ts.seconds or ts.nanos else None


def _fresh(start, end, start_sequence: int):
    return fresh_start_time(start, end, start_sequence) if start and end else start


class JobRecorder:
    def __init__(self, dsn: str) -> None:
        self.pool = make_pool(dsn, max_size=1)

    def record(self, updates: list[events_pb2.JobUpdate]) -> None:
        """Applies a batch of updates in one transaction, as if one by one in order: each table is
        written by one statement over arrays of the batch's rows (unnest), sent in binary (%b: no text
        quoting of each element), not one statement a row. At 1,000 satellites that is 500 jobs a
        second, each with a summary row; per job this cost the writer 42-52 us and PostgreSQL 68-70 us
        before, 26-28 and 25-27 now (BENCHMARKS.md)."""
        if not updates:
            return
        first: dict[str, events_pb2.JobUpdate] = {}    # a job's first update here: the row it creates
        outcome: dict[str, events_pb2.JobUpdate] = {}  # the state it ends the batch in, unless finished before
        for u in updates:
            job_id = u.job.job_id
            first.setdefault(job_id, u)
            settled = outcome.get(job_id)
            if u.job.state != job_pb2.JOB_STATE_PENDING and (settled is None or settled.job.state not in _FINISHED):
                outcome[job_id] = u  # the first completed or failed update, else the last one in progress
        finished = [u for u in updates if u.job.state != job_pb2.JOB_STATE_PENDING]
        with postgres_outage_is_transient(), self.pool.connection() as conn, conn.cursor() as cur:
            cur.execute(
                "INSERT INTO inference_jobs (job_id, satellite_id, source, trigger_reason, status, created_at, "
                "completed_at, error_message, metadata) "
                "SELECT job_id, satellite_id, source, trigger_reason, status, coalesce(created_at, now()), "
                "completed_at, error_message, metadata::jsonb FROM unnest(%b::text[], %b::text[], %b::text[], "
                "%b::text[], %b::text[], %b::timestamptz[], %b::timestamptz[], %b::text[], %b::text[]) "
                "AS u(job_id, satellite_id, source, trigger_reason, status, created_at, completed_at, error_message, "
                "metadata) ON CONFLICT (job_id) DO NOTHING",
                as_columns([(j.job_id, j.satellite_id, SOURCE_NAMES[j.source], j.trigger_reason or None,
                           STATE_NAMES[j.state], _dt(j.create_time), _dt(j.complete_time), j.error_message or None,
                           json.dumps(dict(u.metadata))) for u in first.values() for j in [u.job]], 9))
            # A finished job is never set back or overwritten; a pending update changes no stored job.
            if outcome:
                cur.execute(
                    "UPDATE inference_jobs SET status = u.status, completed_at = u.completed_at, "
                    "error_message = u.error_message FROM unnest(%b::text[], %b::text[], %b::timestamptz[], "
                    "%b::text[]) AS u(job_id, status, completed_at, error_message) "
                    "WHERE inference_jobs.job_id = u.job_id AND inference_jobs.status NOT IN ('completed', 'failed')",
                    as_columns([(j.job_id, STATE_NAMES[j.state], _dt(j.complete_time), j.error_message or None)
                              for u in outcome.values() for j in [u.job]], 4))
            # Whether a window is anomalous is the detector's word, not the worker's (domain.window_truth):
            # under the lock the alerts transaction takes too, a window is stored as anomalous when a
            # model alert of its satellite and subsystem already covers its fresh rows.
            lock_streams(cur, [(u.job.satellite_id, s.subsystem) for u in finished for s in u.job.subsystem_inferences]
                         + [(u.job.satellite_id, w.subsystem) for u in finished for w in u.windows])
            inferences = [(u.job.job_id, s, _dt(s.window_start_time), _dt(s.window_end_time))
                          for u in finished for s in u.job.subsystem_inferences]
            if inferences:
                cur.execute(
                    "INSERT INTO subsystem_inferences (job_id, subsystem, model_name, model_version, status, "
                    "anomaly_detected, anomaly_score, max_score, threshold, inference_time_ms, window_start_time, "
                    "window_end_time, start_sequence, fresh_start_time) "
                    "SELECT job_id, subsystem, model_name, model_version, 'completed', "
                    f"{covered('u.job_id', 'u.subsystem', 'u.window_end_time', 'u.fresh_start_time')}, anomaly_score, "
                    "max_score, threshold, inference_time_ms, window_start_time, window_end_time, start_sequence, "
                    "fresh_start_time FROM unnest(%b::text[], %b::text[], %b::text[], %b::text[], %b::float8[], "
                    "%b::float8[], %b::float8[], %b::float8[], %b::timestamptz[], %b::timestamptz[], %b::int8[], "
                    "%b::timestamptz[]) AS u(job_id, subsystem, model_name, model_version, anomaly_score, max_score, "
                    "threshold, inference_time_ms, window_start_time, window_end_time, start_sequence, "
                    "fresh_start_time) ON CONFLICT (job_id, subsystem) DO NOTHING",
                    as_columns([(job_id, s.subsystem, s.model_name, s.model_version, s.anomaly_score, s.max_score,
                               s.threshold, s.inference_time_ms, start, end, s.start_sequence,
                               _fresh(start, end, s.start_sequence)) for job_id, s, start, end in inferences], 12))
            windows = [(u.job.job_id, w, _dt(w.window_start_time), _dt(w.window_end_time)) for u in finished for w in u.windows]
            if windows:
                cur.execute(
                    "INSERT INTO job_window_scores (job_id, subsystem, start_sequence, model_name, window_start_time, "
                    "window_end_time, anomaly_score, max_score, threshold, anomaly_detected) "
                    "SELECT job_id, subsystem, start_sequence, model_name, window_start_time, window_end_time, "
                    "anomaly_score, max_score, threshold, "
                    f"{covered('u.job_id', 'u.subsystem', 'u.window_end_time', 'u.window_start_time')} "
                    "FROM unnest(%b::text[], %b::text[], %b::int8[], %b::text[], %b::timestamptz[], "
                    "%b::timestamptz[], %b::float8[], %b::float8[], %b::float8[]) AS u(job_id, subsystem, "
                    "start_sequence, model_name, window_start_time, window_end_time, anomaly_score, max_score, "
                    "threshold) ON CONFLICT DO NOTHING",
                    as_columns([(job_id, w.subsystem, w.start_sequence, w.model_name, start, end, w.anomaly_score,
                               w.max_score, w.threshold) for job_id, w, start, end in windows], 9))

    def close(self) -> None:
        self.pool.close()

