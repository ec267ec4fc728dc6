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
from satmon_core.postgres import make_pool, postgres_outage_is_transient
from satmon_writer.adapters.window_truth import COVERED, lock_streams
from satmon_writer.domain.window_truth import fresh_start_time

__all__ = ["JobRecorder"]


def _dt(ts):
    return ts.ToDatetime(tzinfo=timezone.utc) if ts.seconds or ts.nanos else None


def _fresh(start, end, start_sequence: int):
    return fresh_start_time(start, end, start_sequence) if start and end else start


class JobRecorder:
    def __init__(self, dsn: str) -> None:
        self.pool = make_pool(dsn, max_size=1)

    def record(self, updates: list[events_pb2.JobUpdate]) -> None:
        """Applies a batch of updates in one transaction."""
        if not updates:
            return
        jobs = [u.job for u in updates]
        finished = [u for u in updates if u.job.state != job_pb2.JOB_STATE_PENDING]
        with postgres_outage_is_transient(), self.pool.connection() as conn, conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO inference_jobs (job_id, satellite_id, source, trigger_reason, status, created_at, "
                "completed_at, error_message, metadata) VALUES (%s, %s, %s, %s, %s, coalesce(%s, now()), %s, %s, %s) "
                "ON CONFLICT (job_id) DO UPDATE SET status = EXCLUDED.status, completed_at = EXCLUDED.completed_at, "
                "error_message = EXCLUDED.error_message "
                "WHERE inference_jobs.status NOT IN ('completed', 'failed') AND EXCLUDED.status <> 'pending'",
                [(j.job_id, j.satellite_id, SOURCE_NAMES[j.source], j.trigger_reason or None, STATE_NAMES[j.state],
                  _dt(j.create_time), _dt(j.complete_time), j.error_message or None, json.dumps(dict(u.metadata)))
                 for u, j in zip(updates, jobs)])
            # Whether a window is anomalous is the detector's word, not the worker's (domain.window_truth):
            # under the lock the alerts transaction takes too, a window is stored as anomalous when a
            # model alert of its satellite and subsystem already covers its fresh rows.
            lock_streams(cur, [(u.job.satellite_id, s.subsystem) for u in finished for s in u.job.subsystem_inferences]
                         + [(u.job.satellite_id, w.subsystem) for u in finished for w in u.windows])
            inferences = [(u.job.job_id, s, _dt(s.window_start_time), _dt(s.window_end_time))
                          for u in finished for s in u.job.subsystem_inferences]
            cur.executemany(
                "INSERT INTO subsystem_inferences (job_id, subsystem, model_name, model_version, status, "
                "anomaly_detected, anomaly_score, max_score, threshold, inference_time_ms, window_start_time, "
                "window_end_time, start_sequence, fresh_start_time) "
                f"VALUES (%s, %s, %s, %s, 'completed', {COVERED}, %s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (job_id, subsystem) DO NOTHING",
                [(job_id, s.subsystem, s.model_name, s.model_version, job_id, s.subsystem, end, fresh,
                  s.anomaly_score, s.max_score, s.threshold, s.inference_time_ms, start, end, s.start_sequence, fresh)
                 for job_id, s, start, end in inferences
                 for fresh in [_fresh(start, end, s.start_sequence)]])
            cur.executemany(
                "INSERT INTO job_window_scores (job_id, subsystem, start_sequence, model_name, window_start_time, "
                "window_end_time, anomaly_score, max_score, threshold, anomaly_detected) "
                f"VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, {COVERED}) ON CONFLICT DO NOTHING",
                [(u.job.job_id, w.subsystem, w.start_sequence, w.model_name, start, end, w.anomaly_score,
                  w.max_score, w.threshold, u.job.job_id, w.subsystem, end, start)
                 for u in finished for w in u.windows
                 for start, end in [(_dt(w.window_start_time), _dt(w.window_end_time))]])

    def close(self) -> None:
        self.pool.close()
