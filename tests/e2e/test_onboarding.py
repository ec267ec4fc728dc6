"""Onboarding a spacecraft class that is not SMAP, from its own archive, on the running stack beside
SMAP: register, import the CSV export, train, Triton serves the new models without a restart, replay,
every window scored once, limit alerts raised and cleared; a record that does not match its class
and a CSV with a bad row are refused with their reasons."""

from __future__ import annotations

import time

import pytest
import tritonclient.grpc as grpcclient

from satmon.ops.v1 import alert_pb2
from satmon_archive import write_satellite_csv
from satmon_core.config import load_settings
from satmon_core.victoria import VictoriaMetrics
from satmon_detection.windows import stream_phase, window_starts
from satmon_mdb import load_mission_database
from satmon_simulator.archive_replay import archive_record
from satmon_simulator.domain.bus_archive import Fault, synthesise
from tests.e2e.conftest import ONBOARDED_SATELLITES
from tests.support.dead_letters import dead_letters
from tests.support.onboarding import CLASS, satmon, write_archive
from tests.support.pipeline import rows, scalar, wait_for

pytestmark = pytest.mark.stack

SATELLITES = ONBOARDED_SATELLITES
LIVE_ROWS = 300


def _archive(folder, seconds: int, start_ns: int, faults=(), seed: int = 0) -> None:
    write_archive(folder, SATELLITES, seconds, start_ns, faults, seed)


def test_the_archive_is_imported_under_its_parameters_names(onboarded):
    vm = VictoriaMetrics(load_settings().vm_url)
    now = time.time()
    series = vm.export(f'telemetry_value{{satellite_id="{SATELLITES[0]}"}}', now - 4 * 3600, now)
    assert len(series) == 11  # 4 + 2 + 5 parameters
    assert {s["metric"]["parameter"] for s in series if s["metric"]["subsystem"] == "thermal"} == {
        "obc_temperature", "in_eclipse"}
    assert all(len(s["values"]) == 2 * 3600 for s in series)


def test_triton_serves_the_new_models_without_a_restart(onboarded):
    client = grpcclient.InferenceServerClient(load_settings().triton_url)
    for model in ("LEO_DEMO_power", "LEO_DEMO_thermal", "LEO_DEMO_orbit"):
        assert client.is_model_ready(model), model
    assert client.is_model_ready("SMAP_A-1")  # SMAP is still served beside it


def test_a_live_replay_is_scored_once_per_window_and_raises_and_clears_limit_alerts(onboarded):
    # Battery state of charge forced to 22 % (yellow: below 30 %; the voltage follows it below 3.36 V)
    # for two minutes, then the on-board computer at -38 C (red: below -35 C) for one.
    live = onboarded / "live"
    _archive(live, LIVE_ROWS, time.time_ns(), [Fault("low_battery", 60), Fault("cold_obc", 200)], seed=3)
    result = satmon("simulate", "--class", CLASS, "--archive", str(live), "--speedup", "50")
    assert result.returncode == 0, result.stderr

    streams = [(sat, view.name) for sat in SATELLITES for view in load_mission_database().subsystems(CLASS)]
    expected = sum(len(window_starts(LIVE_ROWS, phase=stream_phase(sat, subsystem))) for sat, subsystem in streams)
    sats = list(SATELLITES)

    def scored() -> int:
        return scalar("SELECT count(*) FROM subsystem_inferences si JOIN inference_jobs j USING (job_id) "
                      "WHERE j.source = 'stream' AND j.status = 'completed' AND j.satellite_id = ANY(%s)", (sats,))

    assert wait_for(lambda: scored() >= expected, 180), f"{scored()} of {expected} windows scored"
    time.sleep(5)  # anything beyond the expected count would be a double
    assert scored() == expected
    assert scalar("SELECT count(*) FROM subsystem_inferences si JOIN inference_jobs j USING (job_id) "
                  "WHERE j.satellite_id = ANY(%s) AND si.model_name NOT LIKE 'LEO_DEMO_%%'", (sats,)) == 0

    def limit_alerts() -> list[tuple]:
        return rows("SELECT satellite_id, subsystem, parameter, severity, state, limit_value, offending_value "
                    "FROM alerts WHERE kind = 'limit' AND satellite_id = ANY(%s) ORDER BY 1, 2, 3", (sats,))

    assert wait_for(lambda: len(limit_alerts()) == 6 and all(a[4] == "closed" for a in limit_alerts()), 60), \
        limit_alerts()
    for sat in SATELLITES:
        mine = {(a[1], a[2]): a for a in limit_alerts() if a[0] == sat}
        assert set(mine) == {("power", "battery_soc"), ("power", "battery_voltage"), ("thermal", "obc_temperature")}
        assert mine[("power", "battery_soc")][3:6] == ("warning", "closed", 30.0)
        assert mine[("thermal", "obc_temperature")][3:6] == ("critical", "closed", -35.0)
        assert mine[("thermal", "obc_temperature")][6] < -35.0


def test_limit_alerts_reach_operators_in_the_one_alert_list(onboarded, tokens):
    import grpc

    from satmon.ops.v1 import ops_service_pb2 as ops, ops_service_pb2_grpc
    from satmon_cli.stack.layout import port

    channel = grpc.insecure_channel(f"127.0.0.1:{port('ops-api')}")
    stub = ops_service_pb2_grpc.OpsServiceStub(channel)
    metadata = (("authorization", f"Bearer {tokens['viewer']}"),)

    def call(method, request):
        """As a client does: UNAVAILABLE (the token store or a server busy for a moment) is retried."""
        deadline = time.monotonic() + 60
        while True:
            try:
                return method(request, metadata=metadata, timeout=30)
            except grpc.RpcError as exc:
                if exc.code() != grpc.StatusCode.UNAVAILABLE or time.monotonic() > deadline:
                    raise
                time.sleep(1)

    first = ops.ListAlertsRequest(satellite_id=SATELLITES[0], page_size=50)
    assert wait_for(lambda: any(a.kind == alert_pb2.ALERT_KIND_LIMIT for a in call(stub.ListAlerts, first).alerts), 60)
    cold = [a for a in call(stub.ListAlerts, first).alerts if a.parameter == "obc_temperature"]
    assert len(cold) == 1 and cold[0].severity == alert_pb2.ALERT_SEVERITY_CRITICAL and cold[0].limit == -35.0
    classes = call(stub.ListSpacecraftClasses, ops.ListSpacecraftClassesRequest()).spacecraft_classes
    power = next(s for c in classes if c.name == CLASS for s in c.subsystems if s.name == "power")
    assert [(p.name, p.unit) for p in power.parameters][:2] == [("battery_voltage", "V"), ("battery_soc", "%")]
    trend = call(stub.QueryRawTrend, ops.QueryRawTrendRequest(satellite_id=SATELLITES[0], subsystem="thermal",
                                                              parameters=["obc_temperature"]))
    assert [(s.parameter, s.unit) for s in trend.series] == [("obc_temperature", "degC")] and trend.series[0].values


def test_a_record_that_does_not_match_its_class_is_dead_lettered(onboarded):
    settings = load_settings()
    subsystems = load_mission_database().subsystems(CLASS)
    good, _ = synthesise(SATELLITES[0], 501, subsystems, time.time_ns(), 1, [])
    short = archive_record(good, subsystems, 0, time.time_ns())
    del short.frames[0].features[-1]  # power has 4 parameters, this frame 3
    smap_shaped = archive_record(good, subsystems, 0, time.time_ns())
    smap_shaped.frames[0].subsystem = "acs"  # a SMAP subsystem, not one of leo_demo's
    out_of_range = archive_record(good, subsystems, 0, time.time_ns())
    out_of_range.frames[0].features[1] = 150.0  # battery_soc: valid 0..100
    found = dead_letters(settings, settings.raw_topic, {
        "wrong_vector_length": short.SerializeToString(), "unknown_subsystem": smap_shaped.SerializeToString(),
        "value_out_of_range": out_of_range.SerializeToString()})
    assert {case: h.get("satmon-dlq-reason", b"").decode() for case, h in found.items()} == {
        "wrong_vector_length": "wrong_vector_length", "unknown_subsystem": "unknown_subsystem",
        "value_out_of_range": "value_out_of_range"}


def test_a_csv_with_a_bad_row_is_refused_whole_with_its_line_number(onboarded, tmp_path):
    folder = tmp_path / "bad"
    start = (int(time.time()) - 7200) * 1_000_000_000
    subsystems = load_mission_database().subsystems(CLASS)
    archive, _ = synthesise("LEO-599", 599, subsystems, start, 100, [])
    folder.mkdir()
    write_satellite_csv(folder / "LEO-599.csv", subsystems, archive)
    lines = (folder / "LEO-599.csv").read_text().splitlines()
    cells = lines[41].split(",")
    cells[2] = "lots"
    lines[41] = ",".join(cells)
    (folder / "LEO-599.csv").write_text("\n".join(lines) + "\n")
    assert satmon("register", "--class", CLASS, "LEO-599").returncode == 0
    result = satmon("import", str(folder), "--class", CLASS)
    assert result.returncode == 1
    assert "LEO-599.csv:42: power.battery_soc: 'lots' is not a number" in result.stderr
    assert "nothing was done" in result.stderr
    vm = VictoriaMetrics(load_settings().vm_url)
    assert vm.export('telemetry_value{satellite_id="LEO-599"}', time.time() - 3 * 3600, time.time()) == []
