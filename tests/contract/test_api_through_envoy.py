"""Every RPC three ways through Envoy (Python gRPC client, REST/JSON, grpc-web), plus grpcurl,
against the real stack, with the error cases operators hit: bad argument, unknown id, no token,
wrong role."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import grpc
import pytest
from google.protobuf import json_format
from google.protobuf.timestamp_pb2 import Timestamp
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from satmon.detection.v1 import events_pb2, inference_service_pb2 as inference, scheduling_service_pb2 as sched
from satmon.detection.v1 import inference_service_pb2_grpc, scheduling_service_pb2_grpc
from satmon.ops.v1 import ops_service_pb2 as ops, ops_service_pb2_grpc
from satmon.telemetry.v1 import events_pb2 as events_pb2_telemetry
from satmon.telemetry.v1 import routing_service_pb2 as routing, routing_service_pb2_grpc, telemetry_pb2
from satmon_cli.stack.layout import port
from satmon_core.config import load_settings
from satmon_core.victoria import VictoriaMetrics
from satmon_detection.smap import load_channel
from satmon_simulator.domain.fleet import FleetData, assign_channels
from satmon_simulator.domain.housekeeping import HousekeepingModel
from satmon_simulator.records import build_record
from satmon_simulator.replay import ReplayPlan
from tests.support import grpcweb
from tests.support.counting import wait_until_decided
from tests.support.pipeline import rows, run_replay, scalar, wait_for

pytestmark = pytest.mark.stack
ACS = "acs"  # a subsystem name of the SMAP class


@pytest.fixture(scope="module")
def seeded(stack, tokens):
    """SAT-001 replays A-1 across its labelled anomaly (test rows 4690-4774) three times, 20 minutes
    apart, so three separate alerts exist (each acknowledge/resolve way needs its own). Each replay
    starts 290 rows early: the detector decides only after 250 records of its stream. Each replay is
    a new stream, which closes the alert of the one before: two end `closed`, the last stays `open`."""
    before = scalar("SELECT coalesce(max(alert_id), 0) FROM alerts")  # earlier modules' alerts are theirs
    base_ns = (int(time.time()) - 400) * 1_000_000_000
    replay_starts_ns = [base_ns - minutes_back * 60 * 1_000_000_000 for minutes_back in (40, 20, 0)]
    for start_ns in replay_starts_ns:
        run_replay(ReplayPlan(2, 1.0, 400, 100.0, 1, start_row=4400, base_time_ns=start_ns))
    # The tests read the replays' stored telemetry and their alerts. Alerts are raised mid-replay, and
    # the writer gathers telemetry 10 s before storing it: wait until every accepted record is stored
    # and every window decided.
    vm = VictoriaMetrics(load_settings().vm_url)

    def stored_rows(start_ns: int) -> int:
        series = vm.export('smap_feature{satellite_id="SAT-001",subsystem="acs",feature_index="0"}',
                           start_ns / 1e9, start_ns / 1e9 + 399.999)
        return len(series[0]["timestamps"]) if series else 0

    for start_ns in replay_starts_ns:
        assert wait_for(lambda s=start_ns: stored_rows(s) >= 400, 90), f"replay from {start_ns} not stored"
        wait_until_decided(2, 400, start_ns, 90)
    own = "FROM alerts WHERE satellite_id = 'SAT-001' AND subsystem = 'acs' AND alert_id > %s"
    assert scalar(f"SELECT count(*) {own}", (before,)) >= 3, "alerts not raised"
    assert scalar(f"SELECT count(*) {own} AND state = 'closed'", (before,)) >= 2
    assert wait_for(lambda: scalar("SELECT count(*) FROM inference_jobs WHERE satellite_id = 'SAT-001'") > 0, 30)
    return {"base_s": base_ns / 1e9, "tokens": tokens, "envoy": f"http://127.0.0.1:{port('envoy')}"}


def _ts(seconds: float) -> Timestamp:
    ts = Timestamp()
    ts.FromNanoseconds(int(seconds * 1e9))
    return ts


def _record() -> events_pb2:
    fleet = FleetData(assign_channels(1))
    return build_record("SAT-001", time.time_ns(), 10**9, 0, 0, fleet.rows("SAT-001", 0), HousekeepingModel(1).step(0))


def _window() -> events_pb2.Window:
    _, test = load_channel("A-1")
    window = events_pb2.Window(satellite_id="SAT-001", subsystem=ACS, model_name="SMAP_A-1", feature_count=25)
    for i in range(30):
        window.sample_times.add().FromSeconds(1_700_000_000 + i)
    window.values.extend(test[:30].ravel().tolist())
    return window


def _alert_id(states: str = "'open', 'closed'") -> str:
    return str(scalar(f"SELECT alert_id FROM alerts WHERE state IN ({states}) ORDER BY alert_id LIMIT 1"))


def _job_id() -> str:
    return scalar("SELECT job_id FROM inference_jobs ORDER BY created_at DESC LIMIT 1")


# (service stub, method, request factory, REST verb, REST path, REST body or query factory, role)
def cases(ctx):
    base, end = ctx["base_s"], ctx["base_s"] + 300
    query = dict(satellite_id="SAT-001", subsystem=ACS, feature_indices=[0], start_time=_ts(base),
                 end_time=_ts(end), step_seconds=10)
    # Flat query parameters and short enum names, as an operator types them.
    trend_qs = {"satellite_id": "SAT-001", "subsystem": "acs", "features": "0",
                "start": _ts(base).ToJsonString(), "end": _ts(end).ToJsonString(), "step": "10"}
    submit = sched.SubmitInferenceJobRequest(satellite_id="SAT-001", subsystems=[ACS], model_name="SMAP_A-1",
                                             start_time=_ts(base), end_time=_ts(end))
    return [
        ("routing", "IngestTelemetry", lambda: routing.IngestTelemetryRequest(records=[_record()]), "POST",
         "/v1/telemetry:ingest", "body", "operator"),
        ("routing", "GetRoutingStats", routing.GetRoutingStatsRequest, "GET", "/v1/routing/stats", {}, "viewer"),
        ("scheduling", "SubmitInferenceJob", lambda: submit, "POST", "/api/v1/inference/submit", "body", "operator"),
        ("scheduling", "BatchSubmitInferenceJobs", lambda: sched.BatchSubmitInferenceJobsRequest(requests=[submit]),
         "POST", "/v1/jobs:batchSubmit", "body", "operator"),
        ("scheduling", "GetInferenceJob", lambda: sched.GetInferenceJobRequest(job_id=_job_id()), "GET",
         "/api/v1/inference/status/{job_id}", {}, "viewer"),
        ("scheduling", "GetInferenceJobResult", lambda: sched.GetInferenceJobResultRequest(job_id=_job_id()), "GET",
         "/api/v1/inference/result/{job_id}", {}, "viewer"),
        ("inference", "ScoreWindow", lambda: inference.ScoreWindowRequest(window=_window()), "POST", "/v1/windows:score",
         "body", "operator"),
        ("ops", "QueryRawTrend", lambda: ops.QueryRawTrendRequest(**query), "GET", "/api/v1/trends/raw", trend_qs,
         "viewer"),
        ("ops", "QueryPredictionTrend", lambda: ops.QueryPredictionTrendRequest(**query), "GET",
         "/api/v1/trends/prediction", trend_qs, "viewer"),
        ("ops", "CompareTrends", lambda: ops.CompareTrendsRequest(**query), "GET", "/api/v1/trends/compare",
         trend_qs, "viewer"),
        ("ops", "ListMetrics", ops.ListMetricsRequest, "GET", "/api/v1/trends/metrics", {}, "viewer"),
        ("ops", "ListSatellites", ops.ListSatellitesRequest, "GET", "/api/v1/trends/satellites", {}, "viewer"),
        ("ops", "ListJobs", lambda: ops.ListJobsRequest(page_size=3), "GET", "/api/v1/query/jobs",
         {"page_size": "3", "state": "completed"}, "viewer"),
        ("ops", "GetJobStats", ops.GetJobStatsRequest, "GET", "/api/v1/query/stats", {}, "viewer"),
        ("ops", "GetDetectionQuality", lambda: ops.GetDetectionQualityRequest(satellite_id="SAT-001"), "GET",
         "/api/v1/query/detection-quality", {"satelliteId": "SAT-001"}, "viewer"),
        ("ops", "SearchResults", lambda: ops.SearchResultsRequest(satellite_id="SAT-001", anomalies_only=True), "GET",
         "/api/v1/search/results", {"satelliteId": "SAT-001", "anomaliesOnly": "true"}, "viewer"),
        ("ops", "ListAlerts", lambda: ops.ListAlertsRequest(satellite_id="SAT-001"), "GET", "/api/v1/alerts",
         {"satellite_id": "SAT-001", "state": "open"}, "viewer"),
        ("ops", "AcknowledgeAlert", lambda: ops.AcknowledgeAlertRequest(alert_id=_alert_id(), operator_name="ana",
                                                                         comment="looking"),
         "POST", "/api/v1/alerts/{alert_id}/acknowledge", "body", "operator"),
        ("ops", "CheckHealth", ops.CheckHealthRequest, "GET", "/health", {}, "viewer"),
        ("ops", "ResolveAlert", lambda: ops.ResolveAlertRequest(alert_id=_alert_id("'open', 'acknowledged', 'closed'"),
                                                                 operator_name="ana"), "POST",
         "/api/v1/alerts/{alert_id}/resolve", "body", "operator"),
    ]


SERVICES = {
    "routing": ("satmon.telemetry.v1.RoutingService", routing_service_pb2_grpc.RoutingServiceStub, routing),
    "scheduling": ("satmon.detection.v1.SchedulingService", scheduling_service_pb2_grpc.SchedulingServiceStub, sched),
    "inference": ("satmon.detection.v1.InferenceService", inference_service_pb2_grpc.InferenceServiceStub, inference),
    "ops": ("satmon.ops.v1.OpsService", ops_service_pb2_grpc.OpsServiceStub, ops),
}


def _rest(ctx, verb: str, path: str, body_or_query, request, token: str | None):
    path = path.format(**{f.name: v for f, v in request.ListFields() if f.name in path})
    url = ctx["envoy"] + path
    data = None
    if body_or_query == "body":
        data = json_format.MessageToJson(request).encode()
    elif body_or_query:
        url += "?" + urllib.parse.urlencode(body_or_query)
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers, method=verb), timeout=15) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def _channel(ctx):
    return grpc.insecure_channel(f"127.0.0.1:{port('envoy')}")


def _grpc(ctx, service: str, method: str, request, token: str | None):
    _, stub_class, _ = SERVICES[service]
    metadata = [("authorization", f"Bearer {token}")] if token else []
    with _channel(ctx) as channel:
        return getattr(stub_class(channel), method)(request, metadata=metadata, timeout=15)


@pytest.fixture(scope="module")
def table(seeded):
    return {c[1]: c for c in cases(seeded)}


METHODS = [c[1] for c in cases({"base_s": 0})]


@pytest.mark.parametrize("method", METHODS)
def test_every_rpc_answers_over_grpc_rest_and_grpc_web(seeded, table, method):
    service, _, make, verb, path, body_or_query, role = table[method]
    token = seeded["tokens"][role]
    full_name, _, module = SERVICES[service]

    response = _grpc(seeded, service, method, make(), token)
    assert response.DESCRIPTOR.name == f"{method}Response"

    status, body = _rest(seeded, verb, path, body_or_query, make(), token)
    assert status == 200, body
    json_format.ParseDict(body, getattr(module, f"{method}Response")(), ignore_unknown_fields=False)

    reply = grpcweb.call(seeded["envoy"], f"/{full_name}/{method}", make().SerializeToString(), token)
    assert reply.http_status == 200 and reply.grpc_status == 0, reply.trailers
    assert len(reply.messages) == 1
    getattr(module, f"{method}Response").FromString(reply.messages[0])


def test_stream_events_pushes_results_over_grpc_and_grpc_web(seeded):
    token = seeded["tokens"]["viewer"]
    with _channel(seeded) as channel:
        stream = ops_service_pb2_grpc.OpsServiceStub(channel).StreamEvents(
            ops.StreamEventsRequest(), metadata=[("authorization", f"Bearer {token}")], timeout=60)
        run_replay(ReplayPlan(1, 1.0, 40, 100.0, 1))
        first = next(iter(stream))
        stream.cancel()
    assert first.WhichOneof("event") in ("result", "alert", "stats")

    import threading
    replies = []
    thread = threading.Thread(target=lambda: replies.append(grpcweb.call(
        seeded["envoy"], "/satmon.ops.v1.OpsService/StreamEvents", ops.StreamEventsRequest().SerializeToString(),
        token, timeout=60, max_messages=1)))
    thread.start()
    time.sleep(1.5)
    run_replay(ReplayPlan(1, 1.0, 40, 100.0, 1))
    thread.join(60)
    assert replies and replies[0].http_status == 200 and len(replies[0].messages) == 1
    ops.StreamEventsResponse.FromString(replies[0].messages[0])


def test_stream_events_over_rest_streams_json(seeded):
    token = seeded["tokens"]["viewer"]
    request = urllib.request.Request(seeded["envoy"] + "/v1/events:stream", headers={"authorization": f"Bearer {token}"})
    import threading
    chunks = []

    def read():
        with urllib.request.urlopen(request, timeout=60) as response:
            chunks.append(response.status)
            chunks.append(response.read1(65536))

    thread = threading.Thread(target=read)
    thread.start()
    time.sleep(1.5)
    run_replay(ReplayPlan(1, 1.0, 40, 100.0, 1))
    thread.join(60)
    assert chunks[0] == 200 and b"{" in chunks[1]


# --- errors ---------------------------------------------------------------------------------------

def test_bad_argument_names_the_field_everywhere(seeded):
    token = seeded["tokens"]["viewer"]
    with pytest.raises(grpc.RpcError) as info:
        _grpc(seeded, "ops", "ListJobs", ops.ListJobsRequest(page_size=-1), token)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    status = rpc_status.from_call(info.value)
    detail = error_details_pb2.BadRequest()
    assert status.details[0].Unpack(detail) and detail.field_violations[0].field == "page_size"

    code, body = _rest(seeded, "GET", "/api/v1/query/jobs", {"pageSize": "-1"}, ops.ListJobsRequest(), token)
    assert code == 400 and "page_size" in body["message"]
    assert any("BadRequest" in d.get("@type", "") for d in body.get("details", []))

    reply = grpcweb.call(seeded["envoy"], "/satmon.ops.v1.OpsService/ListJobs",
                         ops.ListJobsRequest(page_size=-1).SerializeToString(), token)
    assert reply.grpc_status == grpc.StatusCode.INVALID_ARGUMENT.value[0]
    assert "page_size" in urllib.parse.unquote(reply.trailers.get("grpc-message", ""))


BAD_IDS = {"quote": 'SAT-1"} evil{x="1', "newline": "SAT-1\nevil 1", "brace": "SAT-{1}", "10kB": "S" * 10_000}


@pytest.mark.parametrize("case", BAD_IDS)
@pytest.mark.parametrize("service,method,build,field", [
    ("ops", "QueryRawTrend", lambda sat: ops.QueryRawTrendRequest(satellite_id=sat, subsystem=ACS),
     "satellite_id"),
    ("ops", "ListAlerts", lambda sat: ops.ListAlertsRequest(satellite_id=sat), "satellite_id"),
    ("ops", "GetDetectionQuality", lambda sat: ops.GetDetectionQualityRequest(satellite_id=sat), "satellite_id"),
    ("scheduling", "SubmitInferenceJob", lambda sat: sched.SubmitInferenceJobRequest(
        satellite_id=sat, subsystems=[ACS], model_name="SMAP_A-1"), "satellite_id"),
    ("routing", "IngestTelemetry", lambda sat: routing.IngestTelemetryRequest(
        records=[events_pb2_telemetry.TelemetryRecord(satellite_id="SAT-001"),
                 events_pb2_telemetry.TelemetryRecord(satellite_id=sat)]), "records[1].satellite_id"),
])
def test_a_bad_satellite_id_is_invalid_argument_naming_the_field(seeded, case, service, method, build, field):
    """Every edge that takes a satellite id rejects one that could inject a series or a selector."""
    with pytest.raises(grpc.RpcError) as info:
        _grpc(seeded, service, method, build(BAD_IDS[case]), seeded["tokens"]["operator"])
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    detail = error_details_pb2.BadRequest()
    assert rpc_status.from_call(info.value).details[0].Unpack(detail)
    assert detail.field_violations[0].field == field


def test_unknown_job_is_not_found(seeded):
    token = seeded["tokens"]["viewer"]
    with pytest.raises(grpc.RpcError) as info:
        _grpc(seeded, "scheduling", "GetInferenceJob", sched.GetInferenceJobRequest(job_id="nope"), token)
    assert info.value.code() == grpc.StatusCode.NOT_FOUND
    code, _ = _rest(seeded, "GET", "/api/v1/inference/status/{job_id}", {},
                    sched.GetInferenceJobRequest(job_id="nope"), token)
    assert code == 404
    reply = grpcweb.call(seeded["envoy"], "/satmon.detection.v1.SchedulingService/GetInferenceJob",
                         sched.GetInferenceJobRequest(job_id="nope").SerializeToString(), token)
    assert reply.grpc_status == grpc.StatusCode.NOT_FOUND.value[0]


def test_no_token_is_unauthenticated_and_wrong_role_is_denied(seeded):
    with pytest.raises(grpc.RpcError) as info:
        _grpc(seeded, "ops", "GetJobStats", ops.GetJobStatsRequest(), None)
    assert info.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert _rest(seeded, "GET", "/api/v1/query/stats", {}, ops.GetJobStatsRequest(), None)[0] == 401
    assert _rest(seeded, "GET", "/api/v1/query/stats", {}, ops.GetJobStatsRequest(), "smt_forged")[0] == 401
    reply = grpcweb.call(seeded["envoy"], "/satmon.ops.v1.OpsService/GetJobStats", b"", "")
    assert reply.grpc_status == grpc.StatusCode.UNAUTHENTICATED.value[0]

    viewer = seeded["tokens"]["viewer"]
    submit = sched.SubmitInferenceJobRequest(satellite_id="SAT-001", subsystems=[ACS], model_name="SMAP_A-1",
                                             start_time=_ts(seeded["base_s"]), end_time=_ts(seeded["base_s"] + 300))
    with pytest.raises(grpc.RpcError) as info:
        _grpc(seeded, "scheduling", "SubmitInferenceJob", submit, viewer)
    assert info.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert _rest(seeded, "POST", "/api/v1/inference/submit", "body", submit, viewer)[0] == 403
    reply = grpcweb.call(seeded["envoy"], "/satmon.detection.v1.SchedulingService/SubmitInferenceJob",
                         submit.SerializeToString(), viewer)
    assert reply.grpc_status == grpc.StatusCode.PERMISSION_DENIED.value[0]


def test_health_path_checks_the_stores_without_a_token(seeded):
    with urllib.request.urlopen(seeded["envoy"] + "/health", timeout=5) as r:
        body = json.loads(r.read())
    assert r.status == 200 and body["status"] == "SERVING"
    assert {d["name"] for d in body["dependencies"] if d["healthy"]} == {"postgresql", "victoria-metrics"}


# --- grpcurl --------------------------------------------------------------------------------------

def _grpcurl(*args: str) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("grpcurl") or str(Path(sys.executable).parent / "grpcurl")
    return subprocess.run([binary, "-plaintext", *args], capture_output=True, text=True, timeout=30)


def test_grpcurl_list_describe_and_call(seeded):
    target = f"127.0.0.1:{port('envoy')}"
    listed = _grpcurl(target, "list")
    assert listed.returncode == 0, listed.stderr
    for name in ("satmon.ops.v1.OpsService", "satmon.detection.v1.SchedulingService",
                 "satmon.telemetry.v1.RoutingService", "satmon.detection.v1.InferenceService"):
        assert name in listed.stdout
    described = _grpcurl(target, "describe", "satmon.ops.v1.OpsService")
    assert described.returncode == 0 and "rpc GetJobStats ( .satmon.ops.v1.GetJobStatsRequest )" in described.stdout
    message = _grpcurl(target, "describe", "satmon.detection.v1.SubmitInferenceJobRequest")
    assert message.returncode == 0 and "satellite_id" in message.stdout
    called = _grpcurl("-H", f"authorization: Bearer {seeded['tokens']['viewer']}", target,
                      "satmon.ops.v1.OpsService/GetJobStats")
    assert called.returncode == 0, called.stderr
    assert "total_jobs" in called.stdout or "totalJobs" in called.stdout


def test_acknowledgements_are_history_and_name_the_tokens_operator(seeded):
    """A second acknowledgement adds to the history and keeps the first; the operator recorded is the
    bearer token's name, whatever the request's operator_name says."""
    second = subprocess.run([sys.executable, "-m", "satmon_cli.main", "token", "create", "--name", "bo",
                             "--role", "operator"], capture_output=True, text=True, timeout=60)
    assert second.returncode == 0, second.stderr
    alert_id = _alert_id("'open', 'closed'")
    first = _grpc(seeded, "ops", "AcknowledgeAlert",
                  ops.AcknowledgeAlertRequest(alert_id=alert_id, operator_name="not-me", comment="first look"),
                  seeded["tokens"]["operator"]).alert
    again = _grpc(seeded, "ops", "AcknowledgeAlert",
                  ops.AcknowledgeAlertRequest(alert_id=alert_id, comment="second look"), second.stdout.strip()).alert
    assert first.acknowledged_by == again.acknowledged_by == "test-operator"
    assert again.acknowledge_time == first.acknowledge_time
    assert [(a.operator_name, a.comment) for a in again.acknowledgements] == [("test-operator", "first look"),
                                                                             ("bo", "second look")]


def _get(ctx, path: str, token: str | None, headers: dict | None = None):
    """(status, content type, body) of a REST GET, the JSON parsed."""
    request = urllib.request.Request(ctx["envoy"] + path, headers={
        **({"authorization": f"Bearer {token}"} if token else {}), **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=15) as r:
            return r.status, r.headers.get("content-type"), json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("content-type"), json.loads(exc.read())


@pytest.mark.parametrize("selection", ["features=0", "parameters=value"])
def test_rest_takes_flat_parameters_and_subsystem_and_parameter_names(seeded, selection):
    token = seeded["tokens"]["viewer"]
    start, end = _ts(seeded["base_s"]).ToJsonString(), _ts(seeded["base_s"] + 300).ToJsonString()
    status, _, body = _get(seeded, f"/api/v1/trends/raw?satellite_id=SAT-001&subsystem=acs"
                                   f"&{selection}&start={start}&end={end}&step=10", token)
    assert status == 200 and body["series"] and body["series"][0]["values"], body
    assert [(s["parameter"], s.get("featureIndex", 0)) for s in body["series"]] == [("value", 0)]
    status, _, body = _get(seeded, "/api/v1/query/jobs?state=completed&page_size=2", token)
    assert status == 200 and {j["state"] for j in body["jobs"]} == {"JOB_STATE_COMPLETED"}  # full names out
    status, _, body = _get(seeded, "/api/v1/alerts?satellite_id=SAT-001&state=CLOSED", token)
    assert status == 200 and body["alerts"] and {a["state"] for a in body["alerts"]} == {"ALERT_STATE_CLOSED"}


@pytest.mark.parametrize("path,words", [
    ("/api/v1/trends/raw?satellite_id=SAT-001&subsystem=bogus", "subsystem: 'bogus' is not a subsystem of the satellite's class"),
    ("/api/v1/trends/raw?satellite_id=SAT-001&subsystem=SUBSYSTEM_ACS", "subsystem"),
    ("/api/v1/trends/raw?satellite_id=SAT-001&subsystem=acs&parameters=voltage", "parameters[0]: acs has no parameter 'voltage'"),
    ("/api/v1/alerts?subsystem=bogus", "subsystem: 'bogus' is not a subsystem of any spacecraft class"),
    ("/api/v1/query/jobs?statee=completed", 'Could not find field "statee"'),
    ("/api/v1/no-such-thing", "no such path"),
])
def test_envoys_own_errors_are_json_status_bodies(seeded, path, words):
    status, content_type, body = _get(seeded, path, seeded["tokens"]["viewer"])
    assert status in (400, 404) and content_type == "application/json"
    assert body["code"] == (3 if status == 400 else 5) and words in body["message"], body


def test_malformed_json_is_a_json_status_body(seeded):
    request = urllib.request.Request(seeded["envoy"] + "/api/v1/inference/submit", data=b'{"model_name":',
                                     method="POST", headers={"content-type": "application/json",
                                                             "authorization": f"Bearer {seeded['tokens']['operator']}"})
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=15)
    assert info.value.code == 400 and info.value.headers.get("content-type") == "application/json"
    body = json.loads(info.value.read())
    assert body["code"] == 3 and "Unexpected end of string" in body["message"]


def test_a_token_without_the_bearer_prefix_is_told_so(seeded):
    status, _, body = _get(seeded, "/api/v1/query/stats", None, {"authorization": seeded["tokens"]["viewer"]})
    assert status == 401 and "`Bearer ` prefix is missing" in body["message"]


def test_openapi_document_and_reference_page_are_served(seeded):
    with urllib.request.urlopen(seeded["envoy"] + "/api/v1/openapi.json", timeout=5) as r:
        document = json.loads(r.read())
    assert r.headers.get("content-type") == "application/json"
    assert document == json.loads((Path(__file__).parents[2] / "gen" / "openapi" / "satmon.openapi.json").read_text())
    with urllib.request.urlopen(seeded["envoy"] + "/api/v1/docs", timeout=5) as r:
        page = r.read().decode()
    assert "SwaggerUIBundle" in page and "/api/v1/openapi.json" in page
    with urllib.request.urlopen(seeded["envoy"] + "/api/v1/docs/swagger-ui-bundle.js", timeout=5) as r:
        assert len(r.read()) > 100_000


@pytest.mark.parametrize("path", ["/api/v1/trends/raw?satellite_id=SAT-NOPE&subsystem=eps",
                                  "/api/v1/query/jobs?satellite_id=SAT-NOPE",
                                  "/api/v1/alerts?satellite_id=SAT-NOPE",
                                  "/api/v1/search/results?satellite_id=SAT-NOPE"])
def test_an_unknown_satellite_is_not_found_not_an_empty_list(seeded, path):
    status, _, body = _get(seeded, path, seeded["tokens"]["viewer"])
    assert status == 404 and body["code"] == 5 and "SAT-NOPE" in body["message"], body
    assert body["details"][0]["reason"] == "SATELLITE_NOT_FOUND"
    with pytest.raises(grpc.RpcError) as info:
        _grpc(seeded, "ops", "ListAlerts", ops.ListAlertsRequest(satellite_id="SAT-NOPE"), seeded["tokens"]["viewer"])
    assert info.value.code() == grpc.StatusCode.NOT_FOUND


ORIGINAL_SUBMISSION = {"model_name": "SMAP_A-1", "data": [25.0, 26.1, 27.3], "config": {"window_size": 10},
                       "metadata": {"satellite_id": "SAT-001", "source": "manual"}}


def _post(ctx, path: str, body: bytes | dict, token: str):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(ctx["envoy"] + path, data=data, method="POST",
                                     headers={"content-type": "application/json", "authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=15) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _violations(body: dict) -> dict[str, str]:
    return {v["field"]: v["description"] for d in body["details"] for v in d.get("fieldViolations", [])}


def test_the_original_submission_shape_is_read_and_too_little_data_names_the_length_needed(seeded):
    """The design documents' body, verbatim: every field is read (none silently dropped), and three
    values are too few for a 30-row model, which the answer says with the number needed."""
    status, body = _post(seeded, "/api/v1/inference/submit", ORIGINAL_SUBMISSION, seeded["tokens"]["operator"])
    assert status == 400 and body["code"] == 3, body
    violations = _violations(body)
    assert "has 3 rows" in violations["data"] and "at least 30" in violations["data"], violations
    assert "30 rows" in violations["config.window_size"]
    assert body["message"].startswith("data: ")


def test_an_original_submission_with_enough_data_scores_every_window(seeded):
    """60 values of A-1's telemetry column in the original shape: a job for SAT-001's ACS (the model's
    family), four windows (rows 0, 10, 20, 30), each with its own score in the result."""
    _, test = load_channel("A-1")
    body = {**ORIGINAL_SUBMISSION, "data": [float(v) for v in test[:60, 0]], "config": {"window_size": 30}}
    status, reply = _post(seeded, "/api/v1/inference/submit", body, seeded["tokens"]["operator"])
    assert status == 200, reply
    job_id = reply["job"]["jobId"]
    assert reply["job"]["satelliteId"] == "SAT-001" and reply["job"]["source"] == "JOB_SOURCE_MANUAL"
    token = seeded["tokens"]["viewer"]

    def finished():
        code, _, result = _get(seeded, f"/api/v1/inference/result/{job_id}", token)
        return result if code == 200 and result["job"]["state"] == "JOB_STATE_COMPLETED" else None

    assert wait_for(lambda: finished() is not None, 60), "the job did not complete"
    result = finished()
    windows = result["windowScores"]
    assert [int(w.get("startSequence", 0)) for w in windows] == [0, 10, 20, 30]
    assert {w["subsystem"] for w in windows} == {"acs"} and all("anomalyScore" in w for w in windows)
    assert "subsystemInferences" not in result  # once, inside the job, not twice
    assert len(result["job"]["subsystemInferences"]) == 1
    status, _, job = _get(seeded, f"/api/v1/inference/status/{job_id}", token)
    assert status == 200 and job["job"]["jobId"] == job_id


TEN_YEARS_AGO = "2016-11-23T00:00:00Z"

# (method and path, body or None, field the error names): the bad input of the issue, per RPC that takes it.
BAD_INPUT = [
    # malformed JSON and wrong types
    ("POST /api/v1/inference/submit", b'{"model_name": "SMAP_A-1", "data": [1, 2', "Unexpected end of string"),
    ("POST /api/v1/inference/submit", {"satelliteId": "SAT-001", "stride": "ten"}, "stride"),
    ("POST /api/v1/alerts/1/acknowledge", b'{"comment": }', "Unexpected token"),
    ("GET /api/v1/query/jobs?page_size=abc", None, "page_size"),
    ("GET /api/v1/trends/raw?satellite_id=SAT-001&subsystem=eps&step=fast", None, "step"),
    # unknown fields, at any depth of the body
    ("POST /api/v1/inference/submit", {"model_name": "SMAP_A-1", "data": [1.0] * 30, "config": {"window_size": 30},
                                       "metadata": {"satellite_id": "SAT-001"}, "bogus": 1}, "bogus"),
    ("POST /api/v1/inference/submit", {"satelliteId": "SAT-001", "config": {"windowSize": 30, "strde": 10}},
     "config.strde"),
    ("POST /api/v1/alerts/1/acknowledge", {"comment": "on it", "by": "me"}, "by"),
    ("POST /api/v1/alerts/1/resolve", {"reason": "fixed"}, "reason"),
    # unknown enum values
    ("GET /api/v1/query/jobs?state=finished", None, "state"),
    ("GET /api/v1/alerts?state=sleeping", None, "state"),
    ("GET /api/v1/search/results?subsystem=warp", None, "subsystem"),
    ("POST /api/v1/inference/submit", {"satelliteId": "SAT-001", "subsystems": ["warp"]}, "subsystems"),
    # declared rules: negative page sizes, feature indices, required fields
    ("GET /api/v1/query/jobs?page_size=-1", None, "page_size"),
    ("GET /api/v1/alerts?page_size=-5", None, "page_size"),
    ("GET /api/v1/search/results?page_size=-1", None, "page_size"),
    ("GET /api/v1/trends/raw?satellite_id=SAT-001&subsystem=eps&features=25", None, "feature_indices[0]"),
    ("GET /api/v1/trends/compare?subsystem=eps", None, "satellite_id"),
    ("GET /api/v1/trends/prediction?satellite_id=SAT-001", None, "subsystem"),
    # ten-year ranges
    (f"GET /api/v1/trends/raw?satellite_id=SAT-001&subsystem=eps&start={TEN_YEARS_AGO}", None, "start_time"),
    (f"GET /api/v1/query/stats?start={TEN_YEARS_AGO}", None, "start_time"),
    (f"GET /api/v1/search/results?start={TEN_YEARS_AGO}", None, "start_time"),
    ("POST /api/v1/inference/submit", {"satelliteId": "SAT-001", "subsystems": ["acs"], "startTime": TEN_YEARS_AGO,
                                       "endTime": "2026-11-23T00:00:00Z"}, "start_time"),
    # unknown satellites (404)
    ("GET /api/v1/trends/compare?satellite_id=SAT-NOPE&subsystem=eps", None, "SAT-NOPE"),
    ("GET /api/v1/query/detection-quality?satellite_id=SAT-NOPE", None, "SAT-NOPE"),
]


@pytest.mark.parametrize("request_line,body,names", BAD_INPUT, ids=[f"{r}-{n}" for r, _, n in BAD_INPUT])
def test_bad_input_is_a_json_status_naming_the_field(seeded, request_line, body, names):
    verb, path = request_line.split(" ", 1)
    if verb == "GET":
        status, content_type, reply = _get(seeded, path, seeded["tokens"]["viewer"])
        assert content_type == "application/json"
    else:
        status, reply = _post(seeded, path, body, seeded["tokens"]["operator"])
    expected = 404 if "NOPE" in path else 400
    assert status == expected and reply["code"] == (5 if expected == 404 else 3), reply
    assert names in reply["message"] or names in _violations(reply), reply


@pytest.mark.parametrize("path,valid", [
    ("/api/v1/query/jobs?state=finished", "pending, processing, completed, failed"),
    ("/api/v1/alerts?state=sleeping", "open, acknowledged, resolved, closed"),
])
def test_a_bad_enum_value_is_answered_with_the_valid_values(seeded, path, valid):
    status, content_type, reply = _get(seeded, path, seeded["tokens"]["viewer"])
    assert status == 400 and content_type == "application/json", reply
    assert f"valid values: {valid}" in reply["message"], reply


def test_an_unknown_subsystem_is_answered_with_the_names_the_mission_database_knows(seeded):
    status, _, reply = _get(seeded, "/api/v1/search/results?subsystem=warp", seeded["tokens"]["viewer"])
    assert status == 400 and reply["message"].startswith("subsystem: 'warp' is not a subsystem of any"), reply
    assert "acs, data, eps, fsw, ps, ss, tcs" in reply["message"] and "power" in reply["message"], reply
    status, reply = _post(seeded, "/api/v1/inference/submit", {"satelliteId": "SAT-001", "subsystems": ["warp"]},
                          seeded["tokens"]["operator"])
    assert status == 400 and reply["message"].startswith("subsystems[0]: 'warp' is not a subsystem of the "
                                                         "satellite's class (acs, data, eps, fsw, ps, ss, tcs)"), reply


def _readme_rest_rows() -> list[tuple[str, str]]:
    """(what, curl command) for every row of the README's REST table."""
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    rows = []
    for line in readme.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if line.strip().startswith("|") and len(cells) == 3 and cells[2].startswith("`curl "):
            rows.append((cells[0], cells[2].strip("`")))
    return rows


README_ROWS = _readme_rest_rows()


def test_the_readme_lists_every_operator_path():
    assert len(README_ROWS) >= 18
    assert {"submit, original shape", "acknowledge", "resolve", "job result (a score per window)"} <= {
        what for what, _ in README_ROWS}


@pytest.mark.parametrize("what,command", README_ROWS, ids=[what for what, _ in README_ROWS])
def test_every_readme_rest_example_works_verbatim(seeded, what, command):
    """Each example runs as written in bash, with T, E, JOB and ALERT set as the README says; curl
    only gets -sS and the status code appended (a shell function), nothing in the command changes."""
    alert = scalar("SELECT alert_id FROM alerts WHERE state IN ('open', 'closed', 'acknowledged') "
                   "ORDER BY alert_id DESC LIMIT 1")
    env = {"T": seeded["tokens"]["operator"], "E": seeded["envoy"], "JOB": _job_id(), "ALERT": str(alert),
           "PATH": "/usr/bin:/bin"}
    script = 'curl() { command curl -sS -w "\\n%{http_code}" "$@"; }\n' + command
    result = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    body, _, status = result.stdout.rpartition("\n")
    assert status == "200", f"{what}: {status} {body[:500]}"
    json.loads(body)


def test_the_user_manuals_forecast_horizon_gets_an_answer_not_unknown_field(seeded):
    """The user manual's submission (section 5.1.1) states config.forecast_horizon: the model's own
    horizon (one record ahead) is accepted; another is refused naming the field and what is served."""
    _, test = load_channel("A-1")
    data = [float(v) for v in test[:60, 0]]
    token = seeded["tokens"]["operator"]
    body = {**ORIGINAL_SUBMISSION, "data": data, "config": {"window_size": 30, "forecast_horizon": 1}}
    status, reply = _post(seeded, "/api/v1/inference/submit", body, token)
    assert status == 200, reply
    body["config"]["forecast_horizon"] = 10
    status, reply = _post(seeded, "/api/v1/inference/submit", body, token)
    assert status == 400 and "unknown field" not in reply["message"], reply
    assert "forecast 1 record ahead" in _violations(reply)["config.forecast_horizon"]


def _download(ctx, path: str, token: str) -> tuple[int, str, str]:
    """(status, content type, body) of a REST download."""
    request = urllib.request.Request(ctx["envoy"] + path, headers={"authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=60) as r:
            return r.status, r.headers.get("content-type"), r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("content-type"), exc.read().decode()


def test_telemetry_exports_as_csv_one_row_per_second_with_named_columns(seeded):
    """The range of SAT-001's last replay (400 records from base_s), every parameter of acs as a
    column, one row per stored timestamp in time order, the values as VictoriaMetrics holds them."""
    import csv
    import io

    start, end = _ts(seeded["base_s"]).ToJsonString(), _ts(seeded["base_s"] + 400).ToJsonString()
    status, content_type, body = _download(
        seeded, f"/v1/satellites/SAT-001/telemetry:export?subsystem=acs&start={start}&end={end}",
        seeded["tokens"]["viewer"])
    assert status == 200 and content_type.startswith("text/csv"), (status, content_type, body[:300])
    header, *rows = list(csv.reader(io.StringIO(body)))
    assert header[:2] == ["time", "value"] and len(header) == 26, header
    # Other tests replay SAT-001 too: the stored rows of the range, whoever wrote them, are the truth.
    stored = VictoriaMetrics(load_settings().vm_url).export(
        'smap_feature{satellite_id="SAT-001",subsystem="acs",feature_index="0"}', seeded["base_s"],
        seeded["base_s"] + 399.999)[0]
    assert len(rows) == len(stored["timestamps"]) >= 400
    assert all(len(r) == 26 and all(r) for r in rows)
    first = min(range(len(stored["timestamps"])), key=lambda i: stored["timestamps"][i])
    assert rows[0][0] == datetime.fromtimestamp(stored["timestamps"][first] / 1000, timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    assert float(rows[0][1]) == stored["values"][first]
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)

    # Chosen parameters, in the order asked.
    status, _, body = _download(seeded, f"/v1/satellites/SAT-001/telemetry:export?subsystem=acs&parameters=value"
                                        f"&start={start}&end={end}", seeded["tokens"]["viewer"])
    assert status == 200 and body.splitlines()[0] == "time,value" and len(body.splitlines()) == len(rows) + 1


def test_an_export_of_an_unknown_subsystem_is_a_400_naming_the_field_not_an_empty_file(seeded):
    status, _, body = _download(seeded, "/v1/satellites/SAT-001/telemetry:export?subsystem=nope",
                                seeded["tokens"]["viewer"])
    assert status == 400 and "subsystem" in body, (status, body[:300])


def test_alerts_export_as_csv_with_their_history(seeded):
    import csv
    import io

    alert = str(scalar("SELECT alert_id FROM alerts WHERE satellite_id = 'SAT-001' "
                       "AND state IN ('open', 'closed', 'acknowledged') ORDER BY alert_id LIMIT 1"))
    token = seeded["tokens"]["operator"]
    assert _post(seeded, f"/v1/alerts/{alert}:assign", {"assignee": "ana", "comment": "for export"}, token)[0] == 200
    status, content_type, body = _download(seeded, "/v1/alerts:export?satellite_id=SAT-001", token)
    assert status == 200 and content_type.startswith("text/csv")
    records = list(csv.DictReader(io.StringIO(body)))
    assert len(records) == scalar("SELECT count(*) FROM alerts WHERE satellite_id = 'SAT-001'")
    exported = next(r for r in records if r["alert_id"] == alert)
    assert exported["assignee"] == "ana" and "assign by" in exported["history"] and "for export" in exported["history"]


def test_detection_quality_counts_operators_dispositions_on_unlabelled_streams(seeded):
    """A replay that sends no labels (as a real spacecraft's telemetry has none): its alert,
    resolved as a true anomaly, is what the served precision counts; REST and `satmon status` agree."""
    from satmon_core.kafka import make_producer
    from satmon_simulator.replay import replay

    before = scalar("SELECT count(*) FROM alerts WHERE satellite_id = 'SAT-001' AND subsystem = 'acs'")
    # Its own stretch of time: the alarm-lifecycle module replays SAT-001 three hours back, and when
    # the suite runs fast this replay overlapped that one and raised nothing new (CI, 2026-12-05).
    base_ns = (int(time.time()) - 5 * 3600) * 1_000_000_000
    replay(ReplayPlan(1, 1.0, 400, 100.0, 1, start_row=4400, base_time_ns=base_ns),
           make_producer(load_settings().kafka_bootstrap), load_settings().raw_topic)  # no ground truth topic
    assert wait_for(lambda: scalar("SELECT count(*) FROM alerts WHERE satellite_id = 'SAT-001' "
                                   "AND subsystem = 'acs'") > before, 90), "no alert on the unlabelled replay"
    alert = scalar("SELECT alert_id FROM alerts WHERE satellite_id = 'SAT-001' AND subsystem = 'acs' "
                   "AND NOT EXISTS (SELECT 1 FROM ground_truth_streams s WHERE s.satellite_id = alerts.satellite_id "
                   "AND s.subsystem = alerts.subsystem AND s.stream_start = alerts.stream_start) "
                   "ORDER BY alert_id DESC LIMIT 1")
    token = seeded["tokens"]["operator"]
    status, body = _post(seeded, f"/v1/alerts/{alert}:resolve",
                         {"disposition": "ALERT_DISPOSITION_TRUE_ANOMALY", "comment": "confirmed"}, token)
    assert status == 200, body
    status, _, quality = _get(seeded, "/api/v1/query/detection-quality?satellite_id=SAT-001", token)
    assert status == 200
    judged = dict(rows("SELECT disposition, count(*) FROM v_judged_alerts WHERE satellite_id = 'SAT-001' "
                       "GROUP BY disposition"))
    assert judged.get("true_anomaly", 0) >= 1
    assert int(quality["judgedTrueAnomalies"]) == judged["true_anomaly"]
    assert int(quality.get("judgedFalseAlarms", 0)) == judged.get("false_alarm", 0)
    assert quality["judgedPrecision"] == pytest.approx(
        (judged["true_anomaly"] + judged.get("known_event", 0)) / sum(judged.values()))
    status_out = subprocess.run([sys.executable, "-m", "satmon_cli.main", "status"], capture_output=True, text=True,
                                timeout=120).stdout
    assert "live detection vs operators' dispositions" in status_out


def test_a_span_marked_as_missed_counts_in_live_recall_and_needs_the_operator_role(seeded):
    far = _ts(seeded["base_s"] - 10 * 3600)  # long before any replayed alert
    later = _ts(seeded["base_s"] - 10 * 3600 + 300)
    body = {"subsystem": "acs", "startTime": far.ToJsonString(), "endTime": later.ToJsonString(), "comment": "dip"}
    path = "/v1/satellites/SAT-001/missedAnomalies"
    assert _post(seeded, path, body, seeded["tokens"]["viewer"])[0] == 403
    status, reply = _post(seeded, path, {**body, "endTime": far.ToJsonString()}, seeded["tokens"]["operator"])
    assert status == 400 and "end_time" in json.dumps(reply), reply
    status, reply = _post(seeded, path, body, seeded["tokens"]["operator"])
    assert status == 200 and reply["operatorName"] == "test-operator" and not reply.get("coveredByAlert"), reply
    status, _, quality = _get(seeded, "/api/v1/query/detection-quality?satellite_id=SAT-001", seeded["tokens"]["viewer"])
    assert status == 200 and int(quality["judgedMissed"]) == scalar(
        "SELECT count(*) FROM v_missed_anomalies WHERE satellite_id = 'SAT-001'") >= 1
