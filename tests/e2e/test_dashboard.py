"""The dashboard in headless Chromium against the real stack: charts with data, a live alert
without reload, acknowledging it, its severity badge and filter, shelving, unshelving and
resolving it with a disposition, CSV downloads of a trend and of alerts, a span marked as missed. Screenshots land in artifacts/screenshots/."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from satmon_cli.stack.layout import port
from satmon_simulator.replay import ReplayPlan
from tests.support.pipeline import run_replay, scalar, wait_for

pytestmark = pytest.mark.stack
REPO = Path(__file__).resolve().parents[2]


def test_dashboard_shows_data_live_alerts_and_acknowledges(stack, tokens):
    assert (REPO / "web" / "dist" / "index.html").exists(), "scripts/test.sh builds the dashboard first"
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    assert Path(chromium).exists(), "Debian's chromium is installed by scripts/install.sh"
    # Fresh data in the last hour for the fleet and trend views.
    run_replay(ReplayPlan(3, 1.0, 300, 100.0, 1, base_time_ns=(int(time.time()) - 320) * 1_000_000_000))
    assert wait_for(lambda: scalar("SELECT count(*) FROM inference_jobs") > 0, 60)
    out = REPO / "artifacts" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    replay = [sys.executable, "-m", "satmon_cli.main", "simulate", "--satellites", "1", "--duration", "400",
              "--speedup", "100", "--start-row", "4400"]  # SAT-001 replays A-1's labelled anomaly
    env = {**os.environ, "BASE_URL": f"http://127.0.0.1:{port('envoy')}", "TOKEN": tokens["operator"],
           "OPERATOR_NAME": "test-operator",
           "OUT_DIR": str(out), "REPLAY_CMD": json.dumps(replay), "CHROMIUM": chromium}
    result = subprocess.run(["node", str(REPO / "web" / "tests" / "dashboard.e2e.mjs")], env=env,
                            capture_output=True, text=True, timeout=300, cwd=REPO / "web")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "acknowledged alert" in result.stdout and "as a known event" in result.stdout
    assert "trend CSV:" in result.stdout and "alerts CSV: alert" in result.stdout
    assert "marked missed: marked" in result.stdout
    assert scalar("SELECT count(*) FROM missed_anomalies WHERE operator = 'test-operator'") >= 1
    for name in ("fleet", "fleet-filtered", "trends", "trends-6h", "trends-unknown-satellite", "alert-live",
                 "alert-acknowledged", "alerts-filtered", "alert-trend", "alerts-severity-filter", "alert-shelved",
                 "alert-unshelved", "alert-resolved-disposition", "stats", "stats-bad-token", "trend-marked-missed"):
        assert (out / f"{name}.png").stat().st_size > 10_000
