"""Validating inference results and job updates before they are written."""

from __future__ import annotations

import math

from satmon.detection.v1 import events_pb2, job_pb2
from satmon_core.errors import InvalidRecordError
from satmon_core.inference_results import reconstruction_of
from satmon_mdb import DEFAULT_CLASS, MissionDatabaseError, load_mission_database
from satmon_core.validation import decode

__all__ = ["decode_result", "decode_job_update"]


def decode_result(payload: bytes | None) -> events_pb2.InferenceResult:
    result = decode(events_pb2.InferenceResult, payload)
    rows = len(result.sample_times)
    if not result.job_id or not result.satellite_id:
        raise InvalidRecordError("missing_identity", "job_id and satellite_id are required")
    try:  # its own class's subsystem: the writer's series for it are that class's
        view = load_mission_database().subsystem(result.spacecraft_class or DEFAULT_CLASS, result.subsystem)
    except MissionDatabaseError as exc:
        raise InvalidRecordError("missing_identity", str(exc)) from None
    if rows == 0 or len(result.timestep_scores) != rows:
        raise InvalidRecordError("shape_mismatch", f"{len(result.timestep_scores)} scores for {rows} rows")
    if result.feature_count != view.width:
        raise InvalidRecordError("shape_mismatch", f"feature_count {result.feature_count}, the subsystem has {view.width}")
    try:
        reconstruction_of(result)
    except ValueError as exc:
        raise InvalidRecordError("shape_mismatch", str(exc)) from None
    if not all(math.isfinite(v) for v in result.timestep_scores) or not math.isfinite(result.max_score):
        raise InvalidRecordError("non_finite_value", "scores contain NaN or infinity")
    return result


_RECORDED_STATES = (job_pb2.JOB_STATE_PENDING, job_pb2.JOB_STATE_COMPLETED, job_pb2.JOB_STATE_FAILED)


def decode_job_update(payload: bytes | None) -> events_pb2.JobUpdate:
    update = decode(events_pb2.JobUpdate, payload)
    job = update.job
    if not job.job_id or not job.satellite_id:
        raise InvalidRecordError("missing_identity", "job.job_id and job.satellite_id are required")
    if job.source == job_pb2.JOB_SOURCE_UNSPECIFIED or job.state not in _RECORDED_STATES:
        raise InvalidRecordError("invalid_state", "source must be set and state PENDING, COMPLETED or FAILED")
    if any(s.subsystem not in load_mission_database().subsystem_names() for s in (*job.subsystem_inferences, *update.windows)):
        raise InvalidRecordError("missing_identity", "every subsystem summary needs a subsystem")
    return update
