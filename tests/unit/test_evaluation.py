from __future__ import annotations

from satmon_detection.evaluation import Alert, aggregate, score_channel
from satmon_detection.smap import load_labels


def test_event_point_and_adjusted_scores():
    score = score_channel("X", alerts=[Alert(10, 19, 12), Alert(100, 109, 100)], labels=[(15, 24), (50, 59)],
                          length=200, threshold=1.0)
    assert (score.event_tp, score.event_fp, score.event_fn) == (1, 1, 1)
    assert (score.point_tp, score.point_fp, score.point_fn) == (5, 15, 15)
    assert (score.adjusted_tp, score.adjusted_fp, score.adjusted_fn) == (10, 15, 10)
    assert score.delays == [0]  # raised at 12, before the sequence's start at 15
    overall = aggregate([score])
    assert overall["event_precision"] == 0.5 and overall["event_recall"] == 0.5
    assert overall["false_alerts"] == 1
    # corrected precision: 15 of the 180 normal rows were flagged
    assert abs(overall["corrected_event_precision"] - 0.5 * (1 - 15 / 180)) < 1e-12


def test_detection_delay_counts_from_sequence_start_to_the_record_that_raised_the_alert():
    score = score_channel("X", alerts=[Alert(30, 59, 42)], labels=[(20, 80)], length=100, threshold=1.0)
    assert score.delays == [22]


def test_p2_duplicate_rows_are_merged_into_their_union():
    labels = load_labels()
    assert labels["P-2"].sequences == ((5300, 6575),)
    assert len(labels) == 54
