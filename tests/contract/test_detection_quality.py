"""The committed models and the live detector, run over every SMAP test array as the pipeline runs them.

Floors sit just under the measured figures (README, `satmon eval`: event P 0.875 / R 0.721 /
F1 0.790, 7 false alerts), so a regression in the models or the detector fails here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EVENT_F1_FLOOR = 0.78
EVENT_RECALL_FLOOR = 0.70
MAX_FALSE_ALERTS = 8
POINT_ADJUSTED_F1_FLOOR = 0.85


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
    assert overall["false_alerts"] <= MAX_FALSE_ALERTS
    assert overall["point_adjusted_f1"] >= POINT_ADJUSTED_F1_FLOOR
    assert overall["corrected_event_precision"] <= overall["event_precision"]


def test_report_can_be_recomputed_from_the_labels(report):
    from satmon_detection.evaluation import aggregate, score_channel
    from satmon_detection.smap import load_labels

    labels = load_labels()
    rescored = [score_channel(c["channel"], [tuple(a) for a in c["alerts"]], list(labels[c["channel"]].sequences),
                              labels[c["channel"]].num_values, c["threshold"]) for c in report["channels"]]
    again = aggregate(rescored)
    for key in ("event_tp", "event_fp", "event_fn", "adjusted_tp", "point_tp", "median_detection_delay"):
        assert again[key] == report["overall"][key]
    assert all(c["threshold"] > 0 for c in report["channels"])
