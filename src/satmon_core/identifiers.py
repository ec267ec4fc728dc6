"""Satellite ids: the one pattern every edge checks, and escaping wherever a label value is written.

An id is checked where it enters (the router dead-letters records with reason
`invalid_satellite_id`; every RPC rejects a request naming a bad id with
INVALID_ARGUMENT and the field's path, see `satmon_core.request_validation`). Label
values are still escaped wherever they are spliced into VictoriaMetrics
import lines or PromQL selectors, so no path depends on a check elsewhere.
"""

from __future__ import annotations

import re

__all__ = ["SATELLITE_ID_PATTERN", "is_valid_satellite_id", "label_value"]

SATELLITE_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def is_valid_satellite_id(value: str) -> bool:
    return SATELLITE_ID_PATTERN.fullmatch(value) is not None


def label_value(value: str) -> str:
    """A string escaped for a double-quoted label value in the Prometheus text format and PromQL."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
