"""The threshold search, vectorised for speed, against telemanom's search written as a plain loop
over z (the reference it replaced): the same epsilon and largest normal error, bit for bit."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from satmon_detection.detector import DetectorConfig, fit_threshold


def _reference(errors: np.ndarray, config: DetectorConfig) -> tuple[float, float]:
    mean, std = float(errors.mean()), float(errors.std())
    if std <= 0.0:
        return max(mean, config.floor), mean
    best_score, epsilon = -np.inf, mean + config.z_max * std
    for z in config.z_values:
        eps = mean + z * std
        above = errors >= eps
        count = int(above.sum())
        if count == 0 or count >= len(errors) // 2:
            continue
        below = errors[~above]
        edges = np.diff(np.concatenate(([0], above.view(np.int8), [0])))
        sequences = int(((np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)) > 1).sum())
        if sequences > config.max_sequences:
            continue
        mean_drop = (mean - below.mean()) / mean if mean > 0 else 0.0
        score = (mean_drop + (std - below.std()) / std) / (sequences ** 2 + count)
        if score >= best_score:
            best_score, epsilon = score, eps
    epsilon = max(epsilon, config.floor)
    normal = errors[errors < epsilon]
    return epsilon, float(normal.max()) if len(normal) else 0.0


def _history(rng: np.random.Generator, kind: str) -> np.ndarray:
    n = int(rng.integers(2, 2001))
    errors = np.abs(rng.normal(0.0, rng.uniform(0.01, 1.0), n))
    if kind == "spikes":
        errors[rng.integers(0, n, 5)] += rng.uniform(0.0, 5.0)
    elif kind == "event":
        start = int(rng.integers(0, n))
        errors[start:start + int(rng.integers(1, 200))] += rng.uniform(0.0, 3.0)
    elif kind == "ties":
        errors = np.round(errors, 1)
    return errors.astype(np.float32).astype(np.float64)  # as the detector keeps its history


@pytest.mark.parametrize("kind", ["noise", "spikes", "event", "ties"])
@pytest.mark.parametrize("floor", [0.05, 0.0])
def test_the_vectorised_search_finds_what_the_loop_over_z_finds(kind, floor):
    config = replace(DetectorConfig(), floor=floor)
    rng = np.random.default_rng(len(kind) * 10 + int(floor * 100))
    for _ in range(300):
        errors = _history(rng, kind)
        assert fit_threshold(errors, config) == _reference(errors, config)


def test_a_history_of_one_value_and_a_constant_history():
    config = DetectorConfig()
    assert fit_threshold(np.array([0.3]), config) == _reference(np.array([0.3]), config)
    assert fit_threshold(np.full(100, 0.2), config) == _reference(np.full(100, 0.2), config)
    assert fit_threshold(np.full(100, 0.25), config) == (0.25, 0.25)  # no spread at all: the level itself
