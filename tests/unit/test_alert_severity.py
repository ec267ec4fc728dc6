"""Model alerts' severity from the peak/epsilon ratio, escalating only; and the epsilon the detector reports."""

from __future__ import annotations

import math

import numpy as np
import pytest

from satmon_detection.detector import DetectorConfig, StreamDetector
from satmon_writer.domain.severity import CRITICAL, CRITICAL_RATIO, WARNING, escalate, model_severity


@pytest.mark.parametrize(("peak", "epsilon", "severity"), [
    (1.3, 1.0, WARNING),
    (CRITICAL_RATIO - 1e-9, 1.0, WARNING),
    (CRITICAL_RATIO, 1.0, CRITICAL),
    (10.0, 1.0, CRITICAL),
    (10.0, math.nan, WARNING),   # no threshold reported: the floor, never a guess upwards
    (10.0, 0.0, WARNING),
])
def test_severity_bands(peak, epsilon, severity):
    assert model_severity(peak, epsilon) == severity


def test_severity_escalates_but_never_de_escalates():
    assert escalate(WARNING, CRITICAL) == CRITICAL
    assert escalate(CRITICAL, WARNING) == CRITICAL
    assert escalate(WARNING, WARNING) == WARNING


def test_the_detectors_events_carry_the_threshold_they_crossed():
    rng = np.random.default_rng(7)
    scores = rng.normal(0.0, 0.01, 1500) ** 2
    scores[1200:1260] = 4.0  # an unmistakable burst
    detector = StreamDetector(config=DetectorConfig())
    events = []
    for start in range(0, len(scores), 10):  # a stride at a time, as the writer feeds it
        events += detector.update(start, scores[start:start + 10])
    opened = [e for e in events if e.kind == "opened"]
    assert opened, "the burst must open a sequence"
    assert math.isfinite(opened[0].epsilon) and opened[0].epsilon > 0
    assert opened[0].sequence.peak > opened[0].epsilon
