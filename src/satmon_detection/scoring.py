"""The one rule that turns a window's per-timestep scores into a decision.

Shared by the worker (live windows) and `satmon eval` (SMAP test arrays), so
the evaluation measures exactly what the pipeline raises.
"""

from __future__ import annotations

import numpy as np

__all__ = ["window_is_anomalous", "summarise_windows"]


def window_is_anomalous(timestep_scores: np.ndarray, threshold: float) -> np.ndarray | bool:
    """True where any timestep's score exceeds the threshold (last axis = timesteps)."""
    return np.asarray(timestep_scores).max(axis=-1) > threshold


def summarise_windows(timestep_scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(means, maxima) of each window's per-timestep scores (last axis = timesteps), in float64; a
    batch of windows in two numpy calls (window by window, the calls cost more than the sums)."""
    scores = np.asarray(timestep_scores, dtype=np.float64)
    return scores.mean(axis=-1), scores.max(axis=-1)
