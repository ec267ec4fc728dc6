"""Severity of a model alert: how far the sequence's peak stood above the detector's threshold.

Limit alerts take their severity from the limit crossed (yellow is WARNING, red is CRITICAL).
A model alert has no limit, so its severity is graded by the ratio of the sequence's peak
smoothed error to the threshold epsilon in force when the event was raised:

    peak / epsilon  <  CRITICAL_RATIO   ->  warning
    peak / epsilon  >= CRITICAL_RATIO   ->  critical

The detector already requires the peak to stand `min_percent_above` (30 %) above every normal
error before it opens a sequence, so every model alert stands somewhat above epsilon; twice the
threshold is the band where the error is unmistakably outside what the channel has ever done.
A severity may escalate as the sequence grows and its peak rises, but never de-escalates while
the alert is open (an operator who saw CRITICAL must not find it quietly downgraded), so the
sink keeps the higher of the stored and the new severity (`escalate`).
"""

from __future__ import annotations

import math

__all__ = ["WARNING", "CRITICAL", "CRITICAL_RATIO", "model_severity", "escalate"]

WARNING = "warning"    # the values detector_alerts.severity accepts
CRITICAL = "critical"
CRITICAL_RATIO = 2.0
_RANK = {WARNING: 0, CRITICAL: 1}


def model_severity(peak: float, epsilon: float) -> str:
    """The severity band of a sequence's peak against the threshold it crossed."""
    if not math.isfinite(epsilon) or epsilon <= 0.0:  # no threshold known: the alert's floor
        return WARNING
    return CRITICAL if peak / epsilon >= CRITICAL_RATIO else WARNING


def escalate(current: str, new: str) -> str:
    """The severity an open alert keeps: the higher of the two."""
    return current if _RANK[current] >= _RANK[new] else new
