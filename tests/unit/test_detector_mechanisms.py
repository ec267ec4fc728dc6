"""The detector's optional mechanisms on synthetic streams, each against the detector without it:
exclusion of flagged records from the history, the CUSUM onset, a short stream, and checkpoints."""

from __future__ import annotations

import struct
from dataclasses import replace

import numpy as np
import pytest

from satmon_detection.detector import DetectorConfig, StreamDetector, feed_window
from satmon_detection.windows import window_starts
from tests.unit.test_detector import BASELINE, _alerts, _errors

WITHOUT_ONSET = replace(DetectorConfig(), onset=False)


def _two_events() -> np.ndarray:
    """A large event, then within the history's reach a second, smaller one."""
    errors = _errors(6000)
    errors[2000:2400] += 1.0
    errors[3000:3060] += 0.5
    return errors


def test_without_exclusion_the_first_event_hides_the_second():
    alerts = _alerts(_two_events(), DetectorConfig())
    assert [a.start < 2400 for a in alerts] == [True]


def test_exclusion_keeps_the_first_event_out_of_the_history_so_the_second_is_raised():
    alerts = _alerts(_two_events(), replace(DetectorConfig(), exclude_flagged=True))
    assert len(alerts) == 2
    assert alerts[0].start < 2400 and 3000 <= alerts[1].raised_at <= 3060


def test_a_lasting_shift_joins_the_history_after_the_exclusion_limit():
    errors = _errors(9000)
    errors[3000:] += 0.5  # a new normal, not an event that ends
    config = replace(DetectorConfig(), exclude_flagged=True, exclude_limit=500)
    alerts = _alerts(errors, config)
    assert len(alerts) == 1 and alerts[0].raised_at < 3100
    assert alerts[0].end < 3000 + 500 + 2000, "the shift became the normal and the alert closed"


def _ramp() -> np.ndarray:
    errors = _errors(6000)
    errors[3000:3600] += np.linspace(0.0, 0.6, 600)
    return errors


def test_without_onset_an_alert_starts_where_the_error_crossed_epsilon():
    (alert,) = _alerts(_ramp(), WITHOUT_ONSET)
    assert alert.start > 3030


def test_onset_moves_the_start_back_to_where_the_climb_began():
    (plain,) = _alerts(_ramp(), WITHOUT_ONSET)
    (with_onset,) = _alerts(_ramp(), replace(DetectorConfig(), onset=True))
    assert abs(with_onset.start - 3000) < abs(plain.start - 3000)
    assert 2950 <= with_onset.start <= 3040
    assert with_onset.raised_at == plain.raised_at, "the onset changes where an alert starts, not when it is raised"


def test_onset_looks_back_no_further_than_its_bound():
    (alert,) = _alerts(_ramp(), replace(DetectorConfig(), onset=True, onset_lookback=10))
    (plain,) = _alerts(_ramp(), WITHOUT_ONSET)
    assert plain.start - 10 <= alert.start <= plain.start


@pytest.mark.parametrize("config", [DetectorConfig(), replace(DetectorConfig(), exclude_flagged=True, onset=True)])
def test_a_stream_shorter_than_the_warmup_raises_nothing(config):
    errors = _errors(200)
    errors[120:160] += 5.0
    detector = StreamDetector(config, baseline=BASELINE)
    events = []
    for start in window_starts(len(errors)):
        events += feed_window(detector, int(start), errors[start:start + 30] ** 2)
    assert events + detector.flush() == []


@pytest.mark.parametrize("cut", [2205, 3005, 3300])
def test_a_checkpoint_resumes_exactly_with_every_mechanism_on(cut):
    config = replace(DetectorConfig(), exclude_flagged=True, onset=True)
    scores = _two_events() ** 2
    whole, resumed = StreamDetector(config, baseline=BASELINE), StreamDetector(config, baseline=BASELINE)
    events_whole, events_resumed = [], []
    for start in window_starts(len(scores)):
        window = scores[start:start + 30]
        events_whole += feed_window(whole, int(start), window)
        events_resumed += feed_window(resumed, int(start), window)
        if start == cut - cut % 10:
            resumed = StreamDetector.from_state(resumed.to_state(), config)
    assert events_resumed == events_whole


def test_a_checkpoint_of_the_previous_format_still_loads():
    detector = StreamDetector(DetectorConfig(), baseline=BASELINE)
    for start in window_starts(600):
        feed_window(detector, int(start), _errors(600)[start:start + 30] ** 2)
    history = detector.window()
    old = struct.Struct("<qqddddqq?qqd?qqdq").pack(
        detector.seen, detector.count, detector.ewma, detector.epsilon, detector.normal_max, detector.baseline,
        detector.since_fit, detector.last_above, False, 0, 0, 0.0, False, 0, 0, 0.0, len(history))
    restored = StreamDetector.from_state(old + history.astype("<f4").tobytes())
    assert (restored.seen, restored.epsilon, restored.excluded) == (detector.seen, detector.epsilon, 0)
    assert np.array_equal(restored.window(), history)
