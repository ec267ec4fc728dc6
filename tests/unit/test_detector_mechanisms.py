"""The detector's optional mechanisms on synthetic streams, each against the detector without it:
exclusion of flagged records from the history, the CUSUM onset, the inverse test (a drop in error),
a short stream, and checkpoints."""

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


INVERSE = replace(DetectorConfig(), inverse=True)


def _freeze(length: int = 6000) -> np.ndarray:
    """A noisy channel (errors around 0.3, well above the floor) whose sensor freezes for 300
    records: the model forecasts a frozen value almost perfectly, so the error drops."""
    errors = 0.3 + np.abs(np.random.default_rng(3).normal(0.0, 0.05, length))
    errors[3000:3300] = 0.01
    return errors


def test_without_the_inverse_test_a_drop_in_error_raises_nothing():
    assert _alerts(_freeze(), DetectorConfig()) == []


def test_the_inverse_test_raises_one_alert_on_a_drop_in_error():
    (alert,) = _alerts(_freeze(), INVERSE)
    assert 3000 <= alert.start <= 3100 and alert.raised_at < 3150, alert
    assert alert.end >= 3250


def test_the_inverse_test_leaves_noise_and_quiet_channels_alone():
    assert _alerts(0.3 + np.abs(np.random.default_rng(4).normal(0.0, 0.05, 6000)), INVERSE) == []
    quiet = _errors(6000)  # errors below the floor: a drop there is nothing in telemetry units
    quiet[3000:3300] = 0.0
    assert _alerts(quiet, INVERSE) == []


def test_the_inverse_test_still_raises_rises():
    errors = _freeze()
    errors[4500:4560] += 1.0
    alerts = _alerts(errors, INVERSE)
    assert len(alerts) == 2 and 4500 <= alerts[1].raised_at <= 4560


@pytest.mark.parametrize("config", [DetectorConfig(), replace(DetectorConfig(), exclude_flagged=True, onset=True),
                                    INVERSE])
def test_a_stream_shorter_than_the_warmup_raises_nothing(config):
    errors = _errors(200)
    errors[120:160] += 5.0
    detector = StreamDetector(config, baseline=BASELINE)
    events = []
    for start in window_starts(len(errors)):
        events += feed_window(detector, int(start), errors[start:start + 30] ** 2)
    assert events + detector.flush() == []


@pytest.mark.parametrize("cut", [2205, 3005, 3105, 3300])
def test_a_checkpoint_resumes_exactly_with_every_mechanism_on(cut):
    config = replace(DetectorConfig(), exclude_flagged=True, onset=True, inverse=True)
    scores = _freeze() ** 2
    scores[2000:2400] += 1.0
    whole, resumed = StreamDetector(config, baseline=BASELINE), StreamDetector(config, baseline=BASELINE)
    events_whole, events_resumed = [], []
    for start in window_starts(len(scores)):
        window = scores[start:start + 30]
        events_whole += feed_window(whole, int(start), window)
        events_resumed += feed_window(resumed, int(start), window)
        if start == cut - cut % 10:
            resumed = StreamDetector.from_state(resumed.to_state(), config)
    assert events_resumed == events_whole


def test_a_checkpoint_of_format_2_still_loads():
    detector = StreamDetector(DetectorConfig(), baseline=BASELINE)
    for start in window_starts(600):
        feed_window(detector, int(start), _errors(600)[start:start + 30] ** 2)
    state = detector.to_state()
    header = StreamDetector._HEADER.unpack_from(state, 4)
    old = b"\xffSD2" + StreamDetector._HEADER_V2.pack(*header[:-3]) + state[4 + StreamDetector._HEADER.size:]
    restored = StreamDetector.from_state(old)
    assert (restored.seen, restored.epsilon, restored.epsilon_low, restored.dropping) == (
        detector.seen, detector.epsilon, -np.inf, False)
    assert np.array_equal(restored.window(), detector.window())


def test_a_checkpoint_of_format_1_still_loads():
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
