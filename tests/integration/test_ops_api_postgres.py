"""OpsService in-process over its real PostgreSQL stores, with bearer tokens checked against
api_tokens: who may change an alert, and that the history names the token's holder."""

from __future__ import annotations

import grpc
import psycopg
import pytest

from satmon.ops.v1 import alert_pb2, ops_service_pb2 as pb, ops_service_pb2_grpc
from satmon_core.auth import issue_token
from satmon_core.fleet_registry import FleetRegistry, register_satellites
from satmon_core.grpc_server import Registration
from satmon_core.job_queries import JobQueries
from satmon_core.postgres import ServiceRole
from satmon_ops.adapters.ops_store import OpsStore
from satmon_ops.entrypoints.grpc_api import OpsServicer
from tests.support.in_process_grpc import error_info, serve
from tests.support.job_records import T0

pytestmark = pytest.mark.middle


@pytest.fixture
def tokens(db) -> dict[str, str]:
    with psycopg.connect(db.dsn) as conn:
        register_satellites(conn, {"SAT-001": {}})
        return {role: issue_token(conn, f"{role}-ana", role) for role in ("viewer", "operator")}


@pytest.fixture
def alert_id(db) -> str:
    with psycopg.connect(db.as_role(ServiceRole.WRITER)) as conn:
        return str(conn.execute("INSERT INTO detector_alerts (satellite_id, subsystem, model_name, start_time, "
                                "end_time, peak_score) VALUES ('SAT-001', 'acs', 'SMAP_A-1', %s, %s, 0.7) "
                                "RETURNING alert_id", (T0, T0)).fetchone()[0])


@pytest.fixture
def ops(db, tokens):
    dsn = db.as_role(ServiceRole.OPS)
    store, jobs = OpsStore(dsn), JobQueries(dsn, max_size=2)
    servicer = OpsServicer(vm=None, store=store, jobs=jobs, hub=None, fleet=FleetRegistry(dsn))
    name = pb.DESCRIPTOR.services_by_name["OpsService"].full_name
    try:
        with serve(Registration(ops_service_pb2_grpc.add_OpsServiceServicer_to_server, servicer, name),
                   token_store_dsn=dsn) as channel:
            yield ops_service_pb2_grpc.OpsServiceStub(channel)
    finally:
        store.close()
        jobs.close()


def _bearer(token: str) -> list[tuple[str, str]]:
    return [("authorization", f"Bearer {token}")]


def _refused(call, request, metadata=()) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call(request, metadata=metadata, timeout=10)
    return caught.value


@pytest.mark.parametrize("metadata, reason", [
    ((), "TOKEN_MISSING"),
    ((("authorization", "smt_pasted-alone"),), "BEARER_PREFIX_MISSING"),
    (_bearer("smt_never-issued"), "TOKEN_UNKNOWN"),
])
def test_a_caller_without_a_valid_bearer_token_is_unauthenticated(ops, metadata, reason):
    error = _refused(ops.ListAlerts, pb.ListAlertsRequest(), metadata)
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED and error_info(error).reason == reason


def test_a_viewer_reads_alerts_but_may_not_change_them(ops, tokens, alert_id):
    listed = ops.ListAlerts(pb.ListAlertsRequest(), metadata=_bearer(tokens["viewer"]), timeout=10)
    assert [a.alert_id for a in listed.alerts] == [alert_id]
    error = _refused(ops.AcknowledgeAlert, pb.AcknowledgeAlertRequest(alert_id=alert_id), _bearer(tokens["viewer"]))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert error_info(error).reason == "OPERATOR_ROLE_REQUIRED" and error_info(error).metadata["role"] == "viewer"


def test_the_history_names_the_tokens_holder_not_the_name_the_request_gives(ops, tokens, alert_id):
    request = pb.AcknowledgeAlertRequest(alert_id=alert_id, operator_name="someone-else", comment="on it")
    alert = ops.AcknowledgeAlert(request, metadata=_bearer(tokens["operator"]), timeout=10).alert
    assert alert.state == alert_pb2.ALERT_STATE_ACKNOWLEDGED and alert.acknowledged_by == "operator-ana"
    assert [(h.action, h.operator_name, h.comment) for h in alert.history] == [
        (alert_pb2.ALERT_ACTION_ACKNOWLEDGE, "operator-ana", "on it")]


def test_every_change_moves_the_alerts_update_time_forward_so_a_late_older_copy_can_be_told(ops, tokens, alert_id):
    operator = _bearer(tokens["operator"])
    read = lambda: ops.ListAlerts(pb.ListAlertsRequest(), metadata=operator, timeout=10).alerts[0]  # noqa: E731
    created = read()
    first = ops.AcknowledgeAlert(pb.AcknowledgeAlertRequest(alert_id=alert_id, comment="one"), metadata=operator,
                                 timeout=10).alert
    second = ops.AcknowledgeAlert(pb.AcknowledgeAlertRequest(alert_id=alert_id, comment="two"), metadata=operator,
                                  timeout=10).alert
    times = [a.update_time.ToNanoseconds() for a in (created, first, second)]
    assert times[0] > 0 and times[0] < times[1] < times[2]
    assert read().update_time == second.update_time  # a later read of the same state: the same time


def test_a_missing_alert_is_not_found_through_the_real_store(ops, tokens):
    error = _refused(ops.ResolveAlert, pb.ResolveAlertRequest(alert_id="424242"), _bearer(tokens["operator"]))
    assert error.code() == grpc.StatusCode.NOT_FOUND and error_info(error).reason == "ALERT_NOT_FOUND"


def test_an_unregistered_satellite_is_not_found_through_the_real_registry(ops, tokens):
    error = _refused(ops.ListAlerts, pb.ListAlertsRequest(satellite_id="SAT-404"), _bearer(tokens["viewer"]))
    assert error.code() == grpc.StatusCode.NOT_FOUND and error_info(error).reason == "SATELLITE_NOT_FOUND"
