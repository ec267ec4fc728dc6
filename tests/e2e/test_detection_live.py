"""One code path: a labelled SMAP channel replayed through the real stack raises exactly the alerts
`satmon eval` reports for it, also when the writer (which runs the detector) is killed mid-replay."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

import psycopg
import pytest

from satmon_core.config import load_settings
from satmon_detection.windows import stream_phase
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


@pytest.mark.parametrize("kill_writer,offset_days", [(False, 8), (True, 9)])
def test_live_alerts_equal_satmon_eval(stack, kill_writer, offset_days):
    length = FleetData(assign_channels(1)).shortest()  # SAT-001 replays until its shortest channel ends
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
