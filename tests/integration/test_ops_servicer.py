"""OpsService served in-process over small fakes: the codes and details a caller gets for bad
requests, missing things and refused changes, and how store answers reach the response."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import grpc
import psycopg
import pytest
from google.protobuf.duration_pb2 import Duration

from satmon.detection.v1 import job_pb2
from satmon.ops.v1 import alert_pb2, ops_service_pb2 as pb, ops_service_pb2_grpc
from satmon_core.grpc_server import Registration
from satmon_core.job_queries import encode_page_token
from satmon_mdb import DEFAULT_CLASS, load_mission_database
from satmon_ops.adapters.ops_store import AlertNotFound
from satmon_ops.domain import alarms
from satmon_ops.entrypoints.grpc_api import OpsServicer
from tests.support.in_process_grpc import bad_request_fields, error_info, serve

pytestmark = pytest.mark.middle

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
STATES = {alarms.AlarmState.OPEN: alert_pb2.ALERT_STATE_OPEN,
          alarms.AlarmState.ACKNOWLEDGED: alert_pb2.ALERT_STATE_ACKNOWLEDGED,
          alarms.AlarmState.SHELVED: alert_pb2.ALERT_STATE_SHELVED,
          alarms.AlarmState.RESOLVED: alert_pb2.ALERT_STATE_RESOLVED}


class FakeFleet:
    """The fleet registry: which satellites are registered (all of the default class)."""

    def __init__(self, *known: str) -> None:
        self.known = set(known)

    def is_known(self, satellite_id: str) -> bool:
        return satellite_id in self.known

    def subsystems_of(self, satellite_id: str):
        return load_mission_database().subsystems(DEFAULT_CLASS)


class FakeJobs:
    """JobQueries.list_jobs: answers with the jobs it holds and remembers how it was asked."""

    def __init__(self, jobs=(), next_token: str = "") -> None:
        self.jobs, self.next_token, self.asked = list(jobs), next_token, []

    def list_jobs(self, size, cursor, satellite_id, state, source):
        self.asked.append((size, cursor, satellite_id, state, source))
        return self.jobs[:size], self.next_token


class FakeOpsStore:
    """OpsStore's alert changes over in-memory alarms: the same `decide` rule, the same NotFound."""

    def __init__(self, *alert_ids: int) -> None:
        self.alarms = {alert_id: alarms.Alarm(alert_id) for alert_id in alert_ids}
        self.history: list[alarms.HistoryEntry] = []
        self.failure: Exception | None = None  # what the database would raise, if anything

    def change(self, alert_id: str, decide) -> alert_pb2.Alert:
        if self.failure:
            raise self.failure
        if not alert_id.isdigit() or int(alert_id) not in self.alarms:
            raise AlertNotFound(alert_id)
        after, entry = decide(self.alarms[int(alert_id)], NOW)
        self.alarms[after.alert_id] = after
        self.history.append(entry)
        return alert_pb2.Alert(alert_id=alert_id, state=STATES[alarms.state_of(after, NOW)], assignee=after.assignee)

    def list_alerts(self, size, cursor, *filters):
        return [alert_pb2.Alert(alert_id=str(i)) for i in sorted(self.alarms)][:size], ""

    def ping(self) -> None:
        if self.failure:
            raise self.failure


class FakeVictoria:
    def query(self, expr, timeout=None):
        return []


@pytest.fixture
def fakes():
    return FakeOpsStore(7), FakeJobs(), FakeFleet("SAT-001")


@pytest.fixture
def ops(fakes):
    store, jobs, fleet = fakes
    servicer = OpsServicer(FakeVictoria(), store, jobs, hub=None, fleet=fleet)
    name = pb.DESCRIPTOR.services_by_name["OpsService"].full_name
    with serve(Registration(ops_service_pb2_grpc.add_OpsServiceServicer_to_server, servicer, name)) as channel:
        yield ops_service_pb2_grpc.OpsServiceStub(channel)


def _refused(call, request) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call(request, timeout=10)
    return caught.value


# --- bad requests: INVALID_ARGUMENT naming the field ------------------------------------------------------

@pytest.mark.parametrize("request_, field", [
    (pb.ListJobsRequest(satellite_id="SAT 001; drop"), "satellite_id"),
    (pb.ListJobsRequest(page_size=-1), "page_size"),
    (pb.ListJobsRequest(page_token="not-a-token"), "page_token"),
    (pb.ListJobsRequest(state=99), "state"),
])
def test_a_bad_list_jobs_request_is_invalid_argument_naming_the_field(ops, fakes, request_, field):
    error = _refused(ops.ListJobs, request_)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and bad_request_fields(error) == [field]
    assert fakes[1].asked == [], "the store is never asked"


def test_a_subsystem_no_class_declares_is_invalid_argument(ops):
    error = _refused(ops.ListAlerts, pb.ListAlertsRequest(subsystem="warp_drive"))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and bad_request_fields(error) == ["subsystem"]
    assert "warp_drive" in error.details()


def test_an_alert_page_token_must_carry_an_alert_id(ops):
    job_token = encode_page_token(NOW, "manual-1234")  # a ListJobs token, keyed by job id
    error = _refused(ops.ListAlerts, pb.ListAlertsRequest(page_token=job_token))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and bad_request_fields(error) == ["page_token"]


def test_a_shelve_longer_than_a_week_is_invalid_argument_naming_duration(ops, fakes):
    request = pb.ShelveAlertRequest(alert_id="7", duration=Duration(seconds=8 * 86400))
    error = _refused(ops.ShelveAlert, request)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and bad_request_fields(error) == ["duration"]
    assert fakes[0].history == []


# --- missing things and refused changes ---------------------------------------------------------------

def test_an_unregistered_satellite_is_not_found_with_its_reason(ops):
    error = _refused(ops.ListJobs, pb.ListJobsRequest(satellite_id="SAT-404"))
    assert error.code() == grpc.StatusCode.NOT_FOUND
    info = error_info(error)
    assert (info.reason, info.domain, dict(info.metadata)) == ("SATELLITE_NOT_FOUND", "satmon.io",
                                                              {"satellite_id": "SAT-404"})


@pytest.mark.parametrize("alert_id", ["404", "not-a-number"])
def test_acknowledging_an_alert_that_does_not_exist_is_not_found(ops, alert_id):
    error = _refused(ops.AcknowledgeAlert, pb.AcknowledgeAlertRequest(alert_id=alert_id))
    assert error.code() == grpc.StatusCode.NOT_FOUND
    assert (error_info(error).reason, dict(error_info(error).metadata)) == ("ALERT_NOT_FOUND", {"alert_id": alert_id})


def test_a_missing_alert_id_is_refused_before_the_store_is_asked(ops, fakes):
    error = _refused(ops.AcknowledgeAlert, pb.AcknowledgeAlertRequest())
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and bad_request_fields(error) == ["alert_id"]


def test_unshelving_an_alert_that_is_not_shelved_is_a_failed_precondition(ops):
    error = _refused(ops.UnshelveAlert, pb.UnshelveAlertRequest(alert_id="7"))
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert (error_info(error).reason, dict(error_info(error).metadata)) == ("ALERT_NOT_SHELVED", {"alert_id": "7"})


def test_a_resolved_alert_refuses_an_assignment(ops):
    ops.ResolveAlert(pb.ResolveAlertRequest(alert_id="7", disposition=alert_pb2.ALERT_DISPOSITION_FALSE_ALARM),
                     timeout=10)
    error = _refused(ops.AssignAlert, pb.AssignAlertRequest(alert_id="7", assignee="ben"))
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION and error_info(error).reason == "ALERT_RESOLVED"


# --- failures that are not the caller's ------------------------------------------------------------------

def test_a_database_outage_is_unavailable_and_says_retry(ops, fakes):
    fakes[0].failure = psycopg.OperationalError("connection refused by 10.0.0.5")
    error = _refused(ops.AcknowledgeAlert, pb.AcknowledgeAlertRequest(alert_id="7"))
    assert error.code() == grpc.StatusCode.UNAVAILABLE and error_info(error).reason == "DATABASE_UNAVAILABLE"
    assert "10.0.0.5" not in error.details()


def test_an_unexpected_failure_is_internal_without_its_raw_text(ops, fakes):
    fakes[0].failure = RuntimeError("secret table layout")
    error = _refused(ops.AcknowledgeAlert, pb.AcknowledgeAlertRequest(alert_id="7"))
    assert error.code() == grpc.StatusCode.INTERNAL and "secret" not in error.details()
    assert error_info(error).reason == "INTERNAL"


def test_an_unhealthy_database_makes_check_health_unavailable(ops, fakes):
    fakes[0].failure = psycopg.OperationalError("gone")
    error = _refused(ops.CheckHealth, pb.CheckHealthRequest())
    assert error.code() == grpc.StatusCode.UNAVAILABLE and error_info(error).reason == "DEPENDENCY_UNHEALTHY"


# --- the happy paths ------------------------------------------------------------------------------------

def test_list_jobs_passes_the_page_and_filters_to_the_store_and_returns_its_page(ops, fakes):
    jobs = fakes[1]
    jobs.jobs = [job_pb2.InferenceJob(job_id=f"j{i}", satellite_id="SAT-001") for i in range(3)]
    jobs.next_token = encode_page_token(NOW, "j1")
    token = encode_page_token(NOW - timedelta(hours=1), "j9")
    response = ops.ListJobs(pb.ListJobsRequest(satellite_id="SAT-001", page_size=2, page_token=token,
                                               state=job_pb2.JOB_STATE_FAILED), timeout=10)
    assert [j.job_id for j in response.jobs] == ["j0", "j1"] and response.next_page_token == jobs.next_token
    ((size, cursor, satellite, state, source),) = jobs.asked
    assert (size, cursor, satellite, state, source) == (2, (NOW - timedelta(hours=1), "j9"), "SAT-001",
                                                        job_pb2.JOB_STATE_FAILED, 0)


def test_page_size_zero_means_fifty_and_large_sizes_are_capped(ops, fakes):
    ops.ListJobs(pb.ListJobsRequest(), timeout=10)
    ops.ListJobs(pb.ListJobsRequest(page_size=1_000_000), timeout=10)
    assert [asked[0] for asked in fakes[1].asked] == [50, 1000]


def test_without_a_token_the_operator_is_the_one_the_request_names(ops, fakes):
    ops.AcknowledgeAlert(pb.AcknowledgeAlertRequest(alert_id="7", operator_name="ana", comment="seen"), timeout=10)
    response = ops.AssignAlert(pb.AssignAlertRequest(alert_id="7", assignee="ben"), timeout=10)
    assert response.alert.assignee == "ben" and response.alert.state == alert_pb2.ALERT_STATE_ACKNOWLEDGED
    assert [(e.action, e.operator, e.comment) for e in fakes[0].history] == [
        (alarms.Action.ACKNOWLEDGE, "ana", "seen"), (alarms.Action.ASSIGN, "anonymous", "")]


def test_a_shelve_lasts_the_requested_duration(ops, fakes):
    response = ops.ShelveAlert(pb.ShelveAlertRequest(alert_id="7", duration=Duration(seconds=1800)), timeout=10)
    assert response.alert.state == alert_pb2.ALERT_STATE_SHELVED
    assert fakes[0].alarms[7].shelved_until == NOW + timedelta(minutes=30)
