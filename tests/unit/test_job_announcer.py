"""A submission answers from its announcement, and GetInferenceJob reads that back until the writer records it."""

from __future__ import annotations

import pytest

from satmon.detection.v1 import events_pb2, job_pb2
from satmon_core.errors import TransientError
from satmon_scheduler.adapters.job_announcer import JobAnnouncer


class _Broker:
    """A producer whose broker acknowledges (or refuses) every message at once."""

    def __init__(self, refuse: bool = False) -> None:
        self.refuse = refuse
        self.sent: list[bytes] = []

    def produce(self, topic, value, key, headers, on_delivery, partition=-1):
        self.sent.append(value)
        on_delivery("refused" if self.refuse else None, None)

    def poll(self, _timeout):
        return 0

    def flush(self, _timeout):
        return 0


def _update(job_id: str, state=job_pb2.JOB_STATE_PENDING) -> events_pb2.JobUpdate:
    return events_pb2.JobUpdate(job=job_pb2.InferenceJob(job_id=job_id, satellite_id="SAT-1", state=state))


def test_the_latest_announced_state_of_a_job_is_remembered():
    announcer = JobAnnouncer(_Broker(), "satmon.inference.jobs")
    announcer.publish(_update("a"))
    announcer.publish(_update("a", job_pb2.JOB_STATE_FAILED))
    assert announcer.announced("a").state == job_pb2.JOB_STATE_FAILED
    assert announcer.announced("never") is None


def test_only_the_most_recent_jobs_are_remembered():
    announcer = JobAnnouncer(_Broker(), "satmon.inference.jobs", remembered=2)
    for job_id in ("a", "b", "c"):
        announcer.publish(_update(job_id))
    assert announcer.announced("a") is None
    assert [announcer.announced(j).job_id for j in ("b", "c")] == ["b", "c"]


def test_an_announcement_the_broker_refused_is_not_remembered():
    announcer = JobAnnouncer(_Broker(refuse=True), "satmon.inference.jobs")
    with pytest.raises(TransientError):
        announcer.publish(_update("a"))
    assert announcer.announced("a") is None
