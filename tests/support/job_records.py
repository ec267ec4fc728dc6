"""JobUpdate messages as the worker and the scheduler publish them, for the writer's stores."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from google.protobuf.timestamp_pb2 import Timestamp

from satmon.detection.v1 import events_pb2, job_pb2

__all__ = ["T0", "at", "job_update", "inference", "window_score"]

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
ROW_SPACING = timedelta(seconds=1)  # one record a second: record n is at T0 + n s
WINDOW_ROWS = 30


def at(seconds: float) -> Timestamp:
    ts = Timestamp()
    ts.FromDatetime(T0 + timedelta(seconds=seconds))
    return ts


def inference(start_sequence: int, subsystem: str = "acs", score: float = 0.01,
              model: str = "SMAP_A-1") -> job_pb2.SubsystemInference:
    """One window of WINDOW_ROWS records from `start_sequence`, scored (the worker's summary row)."""
    return job_pb2.SubsystemInference(
        subsystem=subsystem, model_name=model, model_version="1", anomaly_score=score, max_score=score * 2,
        threshold=0.5, inference_time_ms=3.0, start_sequence=start_sequence,
        window_start_time=at(start_sequence), window_end_time=at(start_sequence + WINDOW_ROWS - 1))


def window_score(start_sequence: int, subsystem: str = "acs", score: float = 0.01) -> job_pb2.WindowScore:
    """One window of a manual job's result (job_window_scores)."""
    return job_pb2.WindowScore(
        subsystem=subsystem, model_name="SMAP_A-1", start_sequence=start_sequence, anomaly_score=score,
        max_score=score * 2, threshold=0.5, window_start_time=at(start_sequence),
        window_end_time=at(start_sequence + WINDOW_ROWS - 1))


def job_update(job_id: str, state: int = job_pb2.JOB_STATE_COMPLETED, satellite_id: str = "SAT-001",
               source: int = job_pb2.JOB_SOURCE_STREAM, created_s: float = 0.0, completed_s: float | None = None,
               error: str = "", inferences=(), windows=(), metadata: dict[str, str] | None = None
               ) -> events_pb2.JobUpdate:
    job = job_pb2.InferenceJob(job_id=job_id, satellite_id=satellite_id, source=source, state=state,
                               create_time=at(created_s), error_message=error, subsystem_inferences=list(inferences))
    if completed_s is None and state in (job_pb2.JOB_STATE_COMPLETED, job_pb2.JOB_STATE_FAILED):
        completed_s = created_s + 1
    if completed_s is not None:
        job.complete_time.CopyFrom(at(completed_s))
    return events_pb2.JobUpdate(job=job, metadata=metadata or {}, windows=list(windows))
