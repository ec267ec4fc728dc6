"""One code path: a labelled SMAP channel replayed through the real stack raises exactly the alerts
`satmon eval` reports for it, also when the writer (which runs the detector) is killed mid-replay."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone

import grpc
import psycopg
import pytest

from satmon_core.config import load_settings
from satmon_core.victoria import VictoriaMetrics
from satmon_detection.windows import WINDOW_SIZE, fresh_rows, stream_phase
from satmon_simulator.domain.fleet import FleetData, assign_channels
from satmon_simulator.replay import ReplayPlan
from tests.e2e.test_faults import _kill_and_restart
from tests.support.counting import expected_stream_windows, stream_rows
from tests.support.pipeline import run_replay, wait_for

pytestmark = pytest.mark.stack
CHANNEL = "A-1"  # SAT-001's ACS channel; one labelled anomaly at test rows 4690-4774


def _eval_alerts() -> list[list[int]]:
    """`satmon eval` of the channel, its windows cut at the phase of the stream that replays it."""
    phase = stream_phase("SAT-001", "acs")
    result = subprocess.run([sys.executable, "-m", "satmon_cli.main", "eval", "--json", "--channels", CHANNEL,
                             "--window-phase", str(phase)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["channels"][0]["alerts"]


def _live_alerts(base_s: float, length: int) -> list[list[int]]:
    with psycopg.connect(load_settings().pg_dsn) as conn:
        rows = conn.execute(
            "SELECT start_sequence, end_sequence, raised_sequence FROM alerts WHERE satellite_id = 'SAT-001' "
            "AND subsystem = 'acs' AND start_time >= to_timestamp(%s) AND start_time < to_timestamp(%s) "
            "ORDER BY start_sequence", (base_s, base_s + length)).fetchall()
    return [list(r) for r in rows]


# The user manual's query: each subsystem's share of anomalous windows.
ANOMALY_RATE_SQL = ("SELECT subsystem, count(*) AS windows, avg(anomaly_detected::int) AS anomaly_rate "
                    "FROM subsystem_inferences WHERE created_at >= %s AND created_at < %s GROUP BY subsystem")


def _window_flags(conn, base_s: float, length: int) -> dict[int, bool]:
    """The replay's stream windows of SAT-001's ACS, by first record: anomalous or not."""
    rows = conn.execute(
        "SELECT si.start_sequence, si.anomaly_detected FROM subsystem_inferences si JOIN inference_jobs j "
        "USING (job_id) WHERE j.satellite_id = 'SAT-001' AND si.subsystem = 'acs' AND j.source = 'stream' "
        "AND si.window_start_time >= to_timestamp(%s) AND si.window_start_time < to_timestamp(%s)",
        (base_s - 0.001, base_s + length)).fetchall()
    return dict(rows)


def _covered(start_sequence: int, alerts: list[list[int]]) -> bool:
    """Whether an alert [start, end] covers one of the window's fresh rows."""
    first = start_sequence + fresh_rows(start_sequence, WINDOW_SIZE)
    return any(start <= start_sequence + WINDOW_SIZE - 1 and end >= first for start, end, _ in alerts)


def _check_one_truth(base_ns: int, length: int, alerts: list[list[int]], since, tokens) -> None:
    """Every surface that says "anomalous" says it of exactly the windows the alerts cover."""
    from satmon.ops.v1 import ops_service_pb2 as ops, ops_service_pb2_grpc
    from satmon_cli.stack.layout import port

    until = datetime.now(timezone.utc)
    with psycopg.connect(load_settings().pg_dsn) as conn:
        flags = _window_flags(conn, base_ns / 1e9, length)
        anomalous = {s for s, flag in flags.items() if flag}
        assert anomalous == {s for s in flags if _covered(s, alerts)}
        assert 0 < len(anomalous) < len(flags) / 10, (len(anomalous), len(flags))
        in_view = conn.execute(
            "SELECT count(*) FROM v_anomaly_alerts WHERE satellite_id = 'SAT-001' AND subsystem = 'acs' "
            "AND source = 'stream' AND window_start_time >= to_timestamp(%s) AND window_start_time < to_timestamp(%s)",
            (base_ns / 1e9 - 0.001, base_ns / 1e9 + length)).fetchone()[0]
        assert in_view == len(anomalous)
        manual = {r[0]: (r[1], float(r[2])) for r in conn.execute(ANOMALY_RATE_SQL, (since, until))}
        flagged_since = conn.execute(
            "SELECT si.subsystem, si.anomaly_detected, j.satellite_id, si.window_end_time, "
            "coalesce(si.fresh_start_time, si.window_start_time) FROM subsystem_inferences si "
            "JOIN inference_jobs j USING (job_id) WHERE si.created_at >= %s AND si.created_at < %s",
            (since, until)).fetchall()
        spans = conn.execute("SELECT satellite_id, subsystem, start_time, end_time FROM alerts "
                             "WHERE kind = 'model'").fetchall()
    # The manual's rate over everything this test stored agrees with the alerts, window by window.
    for subsystem, flag, satellite, end, fresh in flagged_since:
        assert flag == any(a[0] == satellite and a[1] == subsystem and a[2] <= end and a[3] >= fresh for a in spans)
    assert manual["acs"][1] > 0
    # VictoriaMetrics' inference_anomaly_detected says the same of the same windows. The flags are written
    # by the results loop, which may still be working through its backlog (a killed writer restarts
    # behind) after the alert itself is complete: wait until every window has its flag.
    vm = VictoriaMetrics(load_settings().vm_url)

    def vm_flags() -> tuple[int, int]:
        vm.make_searchable()  # samples written in the last second or so are not yet visible to export
        by_time: dict[int, int] = {}
        for series in vm.export('inference_anomaly_detected{satellite_id="SAT-001",subsystem="acs"}',
                                base_ns / 1e9, base_ns / 1e9 + length + 60):
            for value, at in zip(series["values"], series["timestamps"]):  # raw: a later mark may sit beside
                by_time[at] = max(by_time.get(at, 0), int(value))
        return len(by_time), sum(by_time.values())

    assert wait_for(lambda: vm_flags()[0] >= len(flags), 120), (vm_flags(), len(flags))
    assert vm_flags() == (len(flags), len(anomalous))
    # The ops API's stats (what the dashboard's Stats view shows) read the same windows.
    channel = grpc.insecure_channel(f"127.0.0.1:{port('ops-api')}")
    request = ops.GetJobStatsRequest()
    request.start_time.FromDatetime(since)
    request.end_time.FromDatetime(until)
    stats = ops_service_pb2_grpc.OpsServiceStub(channel).GetJobStats(
        request, metadata=[("authorization", f"Bearer {tokens['viewer']}")], timeout=30)
    served = {s.subsystem: (s.inference_count, s.anomaly_rate) for s in stats.subsystem_stats}
    assert served["acs"][0] == manual["acs"][0]
    assert served["acs"][1] == pytest.approx(manual["acs"][1])


@pytest.mark.parametrize("kill_writer,offset_days", [(False, 8), (True, 9)])
def test_live_alerts_equal_satmon_eval(stack, tokens, kill_writer, offset_days):
    length = FleetData(assign_channels(1)).shortest()  # SAT-001 replays until its shortest channel ends
    since = datetime.now(timezone.utc)
    # A fraction of a second, as `satmon simulate` places replays: streams and labels must still meet.
    base_ns = (int(time.time()) - offset_days * 86400) * 1_000_000_000 + 400_000_000
    killer = threading.Thread(target=_kill_and_restart, args=("writer", 12.0)) if kill_writer else None
    if killer:
        killer.start()
    run_replay(ReplayPlan(1, 1.0, length, 300.0, 1, base_time_ns=base_ns))
    if killer:
        killer.join()
    windows = expected_stream_windows(1, length)
    assert wait_for(lambda: stream_rows(base_ns, length)[0] >= windows, 240), stream_rows(base_ns, length)
    expected = [a for a in _eval_alerts() if a[2] < length]
    assert expected, "satmon eval raises A-1's labelled anomaly"
    # The writer applies results a batch behind the worker: wait until it has caught up.
    assert wait_for(lambda: _live_alerts(base_ns / 1e9, length) == expected, 60), (_live_alerts(base_ns / 1e9, length),
                                                                                   expected)
    # Live ground truth: the simulator's labels of this stream, scored against its alerts.
    with psycopg.connect(load_settings().pg_dsn) as conn:
        stream = (round(base_ns / 1e9),)
        reached = conn.execute(
            "SELECT start_sequence, end_sequence, detected FROM v_labelled_sequences_reached WHERE satellite_id = "
            "'SAT-001' AND subsystem = 'acs' AND stream_start = to_timestamp(%s)", stream).fetchall()
        false_alerts = conn.execute(
            "SELECT count(*) FROM v_false_alerts WHERE satellite_id = 'SAT-001' AND subsystem = 'acs' "
            "AND stream_start = to_timestamp(%s)", stream).fetchone()[0]
    assert reached == [(4690, 4774, True)]
    assert false_alerts == 0
    _check_one_truth(base_ns, length, expected, since, tokens)
