"""SchedulingService served in-process over small fakes: a submission is announced before its task
is queued, a queue that does not confirm fails the job it announced, and missing jobs are NOT_FOUND."""

from __future__ import annotations

import grpc
import pytest
from google.protobuf.struct_pb2 import ListValue

from satmon.detection.v1 import events_pb2, job_pb2, scheduling_service_pb2 as pb, scheduling_service_pb2_grpc
from satmon_core.errors import TransientError
from satmon_core.grpc_server import Registration
from satmon_mdb import DEFAULT_CLASS, load_mission_database
from satmon_scheduler.entrypoints.grpc_api import SchedulingServicer
from tests.support.in_process_grpc import bad_request_fields, error_info, serve

pytestmark = pytest.mark.middle


class Journal:
    """What happened, in order, across the fakes."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, object]] = []


class FakeJobs:
    """JobQueries: what the writer has recorded."""

    def __init__(self) -> None:
        self.recorded: dict[str, job_pb2.InferenceJob] = {}
        self.windows: dict[str, list[job_pb2.WindowScore]] = {}

    def get_job(self, job_id: str) -> job_pb2.InferenceJob | None:
        return self.recorded.get(job_id)

    def window_scores(self, job_id: str) -> list[job_pb2.WindowScore]:
        return self.windows.get(job_id, [])

    def latest_model(self, satellite_id: str, subsystem: str) -> str | None:
        return None


class FakeAnnouncer:
    """JobAnnouncer without Kafka: remembers the last announcement of each job, as the real one does."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self.recent: dict[str, job_pb2.InferenceJob] = {}

    def publish(self, update: events_pb2.JobUpdate) -> None:
        self.journal.entries.append(("announced", job_pb2.JobState.Name(update.job.state)))
        self.recent[update.job.job_id] = update.job

    def announced(self, job_id: str) -> job_pb2.InferenceJob | None:
        return self.recent.get(job_id)


class FakeQueue:
    def __init__(self, journal: Journal) -> None:
        self.journal, self.refuse = journal, False
        self.tasks: list[events_pb2.InferenceTask] = []

    def send(self, tasks: list[events_pb2.InferenceTask]) -> None:
        if self.refuse:
            raise TransientError("RabbitMQ did not confirm", reason="QUEUE_UNAVAILABLE")
        self.journal.entries.append(("queued", len(tasks)))
        self.tasks += tasks


class FakeFleet:
    def subsystems_of(self, satellite_id: str):
        return load_mission_database().subsystems(DEFAULT_CLASS)


@pytest.fixture
def parts():
    journal, jobs = Journal(), FakeJobs()
    return journal, jobs, FakeAnnouncer(journal), FakeQueue(journal)


@pytest.fixture
def scheduling(parts):
    _, jobs, announcer, queue = parts
    servicer = SchedulingServicer(jobs, announcer, queue, telemetry=None, fleet=FakeFleet())
    name = pb.DESCRIPTOR.services_by_name["SchedulingService"].full_name
    registration = Registration(scheduling_service_pb2_grpc.add_SchedulingServiceServicer_to_server, servicer, name)
    with serve(registration) as channel:
        yield scheduling_service_pb2_grpc.SchedulingServiceStub(channel)


def _submission(rows: int = 50, **fields) -> pb.SubmitInferenceJobRequest:
    """One channel's values (the original submission shape), one row a second."""
    data = ListValue()
    data.extend([0.1 * (i % 7) for i in range(rows)])
    return pb.SubmitInferenceJobRequest(**{"satellite_id": "SAT-001", "model_name": "SMAP_A-1",
                                           "subsystems": ["acs"], "data": data, **fields})


def _refused(call, request) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call(request, timeout=10)
    return caught.value


def test_a_submission_is_announced_pending_before_its_windows_are_queued(scheduling, parts):
    journal, _, _, queue = parts
    job = scheduling.SubmitInferenceJob(_submission(rows=50), timeout=10).job
    assert journal.entries == [("announced", "JOB_STATE_PENDING"), ("queued", 1)]
    (task,) = queue.tasks
    assert task.job_id == job.job_id and task.source == job_pb2.JOB_SOURCE_MANUAL
    # 50 rows at the default window of 30 and stride of 10: windows from rows 0, 10 and 20.
    assert [w.start_sequence for w in task.windows] == [0, 10, 20]
    assert {(w.satellite_id, w.subsystem, w.model_name, w.spacecraft_class) for w in task.windows} == {
        ("SAT-001", "acs", "SMAP_A-1", "smap")}
    assert (job.satellite_id, job.state) == ("SAT-001", job_pb2.JOB_STATE_PENDING)


def test_a_queue_that_does_not_confirm_fails_the_announced_job_and_the_call_is_unavailable(scheduling, parts):
    journal, _, announcer, queue = parts
    queue.refuse = True
    error = _refused(scheduling.SubmitInferenceJob, _submission())
    assert error.code() == grpc.StatusCode.UNAVAILABLE and error_info(error).reason == "QUEUE_UNAVAILABLE"
    assert journal.entries == [("announced", "JOB_STATE_PENDING"), ("announced", "JOB_STATE_FAILED")]
    (job,) = announcer.recent.values()
    assert job.state == job_pb2.JOB_STATE_FAILED and job.error_message.startswith("not queued")
    # The caller can read the failure back at once, before the writer has recorded it.
    read = scheduling.GetInferenceJob(pb.GetInferenceJobRequest(job_id=job.job_id), timeout=10).job
    assert read.state == job_pb2.JOB_STATE_FAILED


def test_a_submitted_job_reads_back_from_its_announcement_until_the_writer_records_it(scheduling, parts):
    jobs = parts[1]
    job_id = scheduling.SubmitInferenceJob(_submission(), timeout=10).job.job_id
    read = scheduling.GetInferenceJob(pb.GetInferenceJobRequest(job_id=job_id), timeout=10).job
    assert (read.job_id, read.state) == (job_id, job_pb2.JOB_STATE_PENDING)
    jobs.recorded[job_id] = job_pb2.InferenceJob(job_id=job_id, state=job_pb2.JOB_STATE_COMPLETED)  # the writer's row
    read = scheduling.GetInferenceJob(pb.GetInferenceJobRequest(job_id=job_id), timeout=10).job
    assert read.state == job_pb2.JOB_STATE_COMPLETED


def test_every_bad_field_of_a_submission_is_named_and_nothing_is_announced(scheduling, parts):
    error = _refused(scheduling.SubmitInferenceJob, _submission(rows=12, subsystems=["acs", "warp"]))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert bad_request_fields(error) == ["subsystems[1]", "data"]  # an unknown subsystem; 12 rows, under a window
    assert parts[0].entries == []


def test_a_malformed_satellite_id_is_refused_by_the_declared_rule(scheduling, parts):
    error = _refused(scheduling.SubmitInferenceJob, _submission(satellite_id="SAT 001"))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and bad_request_fields(error) == ["satellite_id"]
    assert parts[0].entries == []


def test_a_job_that_does_not_exist_is_not_found_naming_it(scheduling):
    for call, request in ((scheduling.GetInferenceJob, pb.GetInferenceJobRequest(job_id="manual-missing")),
                          (scheduling.GetInferenceJobResult, pb.GetInferenceJobResultRequest(job_id="manual-missing"))):
        error = _refused(call, request)
        assert error.code() == grpc.StatusCode.NOT_FOUND
        assert (error_info(error).reason, dict(error_info(error).metadata)) == ("JOB_NOT_FOUND",
                                                                                {"job_id": "manual-missing"})


def test_a_job_id_is_required(scheduling):
    error = _refused(scheduling.GetInferenceJob, pb.GetInferenceJobRequest())
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and bad_request_fields(error) == ["job_id"]


def test_a_jobs_result_carries_its_window_scores(scheduling, parts):
    jobs = parts[1]
    jobs.recorded["j"] = job_pb2.InferenceJob(job_id="j", state=job_pb2.JOB_STATE_COMPLETED)
    jobs.windows["j"] = [job_pb2.WindowScore(subsystem="acs", start_sequence=s, anomaly_score=0.1) for s in (0, 10)]
    response = scheduling.GetInferenceJobResult(pb.GetInferenceJobResultRequest(job_id="j"), timeout=10)
    assert response.job.state == job_pb2.JOB_STATE_COMPLETED
    assert [w.start_sequence for w in response.window_scores] == [0, 10]
