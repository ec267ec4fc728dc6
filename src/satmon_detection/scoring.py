"""The one rule that turns a window's per-timestep scores into a decision.

Shared by the worker (live windows) and `satmon eval` (SMAP test arrays), so
the evaluation measures exactly what the pipeline raises.
"""

from __future__ import annotations

import numpy as np

__all__ = ["window_is_anomalous", "summarise"]


def window_is_anomalous(timestep_scores: np.ndarray, threshold: float) -> np.ndarray | bool:
    """True where any timestep's score exceeds the threshold (last axis = timesteps)."""
    return np.asarray(timestep_scores).max(axis=-1) > threshold


def summarise(timestep_scores: np.ndarray) -> tuple[float, float]:
    """(mean, max) of one window's per-timestep scores."""
    scores = np.asarray(timestep_scores, dtype=np.float64)
    return float(scores.mean()), float(scores.max())
