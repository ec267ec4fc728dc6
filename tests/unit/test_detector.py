"""The online detector on synthetic streams: what it must raise, and what it must not."""

from __future__ import annotations

import numpy as np
import pytest

from satmon_detection.detector import DetectorConfig, StreamDetector, feed_window
from satmon_detection.offline import ScoredChannel, detect
from satmon_detection.windows import window_starts

BASELINE = 0.05  # the model's normal error level, in telemetry units


def _errors(length: int, seed: int = 1) -> np.ndarray:
    """Forecast errors of a well-behaved channel: small, noisy, never zero."""
    return np.abs(np.random.default_rng(seed).normal(0.0, 0.02, length))


def _alerts(errors: np.ndarray, config: DetectorConfig | None = None) -> list:
    """Runs the detector the way the pipeline feeds it: windows of 30, stride 10, scores squared."""
    scores = errors ** 2
    starts = window_starts(len(scores))
    windows = np.stack([scores[s:s + 30] for s in starts])
    return detect(windows, starts, BASELINE ** 2, config)


def test_noise_alone_raises_no_alert():
    for seed in range(5):
        assert _alerts(_errors(6000, seed)) == []


def test_a_spike_raises_one_alert_soon_after_it():
    errors = _errors(5000)
    errors[3000:3008] += 1.0
    alerts = _alerts(errors)
    assert len(alerts) == 1
    assert alerts[0].start <= 3008 and alerts[0].end >= 3000
    assert 3000 <= alerts[0].raised_at <= 3010


def test_a_level_shift_raises_one_alert():
    errors = _errors(6000)
    errors[3500:3800] += 0.4  # the forecaster is wrong for a while, then adapts to the new level
    alerts = _alerts(errors)
    assert len(alerts) == 1 and alerts[0].start < 3800 <= alerts[0].end + 100
    assert alerts[0].raised_at - 3500 <= 30


def test_a_slow_drift_is_caught_once_it_leaves_the_normal_range():
    errors = _errors(6000)
    errors[3000:4000] += np.linspace(0.0, 0.6, 1000)
    alerts = _alerts(errors)
    assert len(alerts) == 1
    assert 3000 < alerts[0].raised_at < 4000


def test_decisions_are_causal():
    """A record's decision does not change when later records change."""
    errors = _errors(5000)
    errors[3000:3010] += 1.0
    future_changed = errors.copy()
    future_changed[3100:] += 2.0
    first = [a for a in _alerts(errors) if a.raised_at < 3100]
    second = [a for a in _alerts(future_changed) if a.raised_at < 3100]
    assert [a.raised_at for a in first] == [a.raised_at for a in second] == [3000 + (first[0].raised_at - 3000)]


def test_redelivered_windows_change_nothing():
    detector = StreamDetector(DetectorConfig(), baseline=BASELINE)
    scores = _errors(600) ** 2
    for start in window_starts(600):
        feed_window(detector, int(start), scores[start:start + 30])
    before = detector.to_state()
    assert feed_window(detector, 290, scores[290:320]) == []
    assert detector.to_state() == before


@pytest.mark.parametrize("cut", [700, 3005, 3300])
def test_a_checkpoint_resumes_exactly(cut):
    """Stopping at any window, saving, restoring and going on raises exactly the same alerts."""
    errors = _errors(5000)
    errors[3000:3200] += 0.8
    scores = errors ** 2
    starts = window_starts(len(scores))
    whole = StreamDetector(DetectorConfig(), baseline=BASELINE)
    resumed = StreamDetector(DetectorConfig(), baseline=BASELINE)
    events_whole, events_resumed = [], []
    for start in starts:
        window = scores[start:start + 30]
        events_whole += feed_window(whole, int(start), window)
        events_resumed += feed_window(resumed, int(start), window)
        if start == cut - cut % 10:
            resumed = StreamDetector.from_state(resumed.to_state())
    assert events_resumed == events_whole
    assert [e.kind for e in events_whole].count("opened") == 1


def test_record_scores_are_what_the_detector_is_fed_each_record_once():
    # Windows of 30 at stride 10: the first gives all its rows, each later one its newest ten.
    length = 60
    starts = window_starts(length, 30, 10)
    windows = np.stack([np.arange(s, s + 30, dtype=float) * 10 + (s // 10) for s in starts])
    scored = ScoredChannel("X-1", windows, starts, threshold=1.0, labels=[], length=length)
    records = scored.record_scores()
    # Record r carries the score of the window that first covered it: window 0 for 0..29, then the
    # window that starts 20 rows before it.
    expected = [r * 10 + (0 if r < 30 else (r - 20) // 10) for r in range(length)]
    assert records.tolist() == expected
