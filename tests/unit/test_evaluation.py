from __future__ import annotations

import numpy as np

from satmon_detection.evaluation import aggregate, alert_intervals, score_channel
from satmon_detection.smap import load_labels


def test_alert_intervals_merge_overlapping_windows():
    starts = np.array([0, 10, 20, 30, 40, 50])
    anomalous = np.array([False, True, True, False, False, True])
    assert alert_intervals(starts, anomalous, 30) == [(10, 79)]  # 50 is adjacent to 49: one alert
    assert alert_intervals(starts, np.array([True, False, False, False, False, True]), 30) == [(0, 29), (50, 79)]


def test_event_point_and_adjusted_scores():
    score = score_channel("X", alerts=[(10, 19), (100, 109)], labels=[(15, 24), (50, 59)], length=200, threshold=1.0)
    assert (score.event_tp, score.event_fp, score.event_fn) == (1, 1, 1)
    assert (score.point_tp, score.point_fp, score.point_fn) == (5, 15, 15)
    assert (score.adjusted_tp, score.adjusted_fp, score.adjusted_fn) == (10, 15, 10)
    assert score.delays == [0]
    overall = aggregate([score])
    assert overall["event_precision"] == 0.5 and overall["event_recall"] == 0.5


def test_detection_delay_counts_rows_from_sequence_start():
    score = score_channel("X", alerts=[(30, 59)], labels=[(20, 80)], length=100, threshold=1.0)
    assert score.delays == [10]


def test_p2_duplicate_rows_are_merged_into_their_union():
    labels = load_labels()
    assert labels["P-2"].sequences == ((5300, 6575),)
    assert len(labels) == 54
