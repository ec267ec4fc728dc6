"""The writer's check of job updates before it records them (what it refuses is dead-lettered)."""

from __future__ import annotations

import pytest

from satmon.detection.v1 import events_pb2, job_pb2
from satmon_core.errors import InvalidRecordError
from satmon_writer.domain.validation import decode_job_update


def _update(**fields) -> bytes:
    base = dict(job_id="j-1", satellite_id="SAT-001", source=job_pb2.JOB_SOURCE_STREAM,
                state=job_pb2.JOB_STATE_COMPLETED)
    update = events_pb2.JobUpdate(job=job_pb2.InferenceJob(**{**base, **fields}))
    update.job.subsystem_inferences.add(subsystem="acs", model_name="SMAP_A-1")
    return update.SerializeToString()


def test_a_complete_update_is_read_back():
    update = decode_job_update(_update())
    assert update.job.job_id == "j-1" and update.job.subsystem_inferences[0].model_name == "SMAP_A-1"


@pytest.mark.parametrize("payload,reason", [
    (b"\xff\x00", "undecodable"),
    (_update(job_id=""), "missing_identity"),
    (_update(satellite_id=""), "missing_identity"),
    (_update(source=job_pb2.JOB_SOURCE_UNSPECIFIED), "invalid_state"),
    (_update(state=job_pb2.JOB_STATE_PROCESSING), "invalid_state"),
])
def test_updates_the_writer_cannot_record_are_refused_with_a_reason(payload, reason):
    with pytest.raises(InvalidRecordError) as info:
        decode_job_update(payload)
    assert info.value.reason == reason
