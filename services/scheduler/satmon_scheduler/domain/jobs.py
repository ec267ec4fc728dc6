"""Deterministic job ids: the same window or trigger always maps to the same job."""

from __future__ import annotations

import uuid

__all__ = ["stream_job_id", "rule_job_id", "manual_job_id"]

_NAMESPACE = uuid.UUID("6f1c2b0e-5a43-4c57-9d0a-2f3c7f6e8b11")


def stream_job_id(satellite_id: str, subsystem: str, start_time_ns: int) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"stream/{satellite_id}/{subsystem}/{start_time_ns}"))


def rule_job_id(satellite_id: str, rule: str, time_ns: int) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"rule/{satellite_id}/{rule}/{time_ns}"))


def manual_job_id() -> str:
    return str(uuid.uuid4())
