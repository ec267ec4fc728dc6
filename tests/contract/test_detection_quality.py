"""The committed models, scored on every SMAP test array the way the pipeline scores them.

Floors sit just under the measured figures (README, `satmon eval`), so a regression in the
models, the thresholds or the scoring rule fails here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EVENT_F1_FLOOR = 0.38
EVENT_RECALL_FLOOR = 0.78
POINT_ADJUSTED_F1_FLOOR = 0.68


@pytest.fixture(scope="module")
def report() -> dict:
    result = subprocess.run([sys.executable, "-m", "satmon_cli.main", "eval", "--json"], capture_output=True,
                            text=True, timeout=600, cwd=REPO)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_committed_models_meet_the_floors(report):
    overall = report["overall"]
    assert overall["channels"] == 54
    assert overall["event_tp"] + overall["event_fn"] == 68  # 69 label rows, P-2's two merged into one
    assert overall["event_f1"] >= EVENT_F1_FLOOR
    assert overall["event_recall"] >= EVENT_RECALL_FLOOR
    assert overall["point_adjusted_f1"] >= POINT_ADJUSTED_F1_FLOOR


def test_report_can_be_recomputed_from_the_labels(report):
    from satmon_detection.evaluation import aggregate, score_channel
    from satmon_detection.smap import load_labels

    labels = load_labels()
    rescored = [score_channel(c["channel"], [tuple(a) for a in c["alerts"]], list(labels[c["channel"]].sequences),
                              labels[c["channel"]].num_values, c["threshold"]) for c in report["channels"]]
    again = aggregate(rescored)
    for key in ("event_tp", "event_fp", "event_fn", "adjusted_tp", "point_tp"):
        assert again[key] == report["overall"][key]
    assert all(c["threshold"] > 0 for c in report["channels"])
