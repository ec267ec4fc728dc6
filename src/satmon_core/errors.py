"""Exceptions shared by every satmon package.

    SatmonError
    ├── ConfigError            a required setting is missing or malformed
    ├── InvalidRecordError     a telemetry record or message fails validation (dead-lettered)
    ├── TransientError         a dependency is briefly unavailable; retry with backoff
    └── RejectedError          a dependency refused this input (an HTTP 4xx); retrying cannot help
"""

from __future__ import annotations

__all__ = ["SatmonError", "ConfigError", "InvalidRecordError", "TransientError", "RejectedError"]


class SatmonError(Exception):
    """Base class of satmon's own exceptions."""


class ConfigError(SatmonError):
    """A required setting is missing or malformed; names every offending variable."""


class InvalidRecordError(SatmonError):
    """A record fails validation; `reason` is a short machine-readable code."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class TransientError(SatmonError):
    """A dependency failed in a way that retrying may fix."""


class RejectedError(SatmonError):
    """A dependency refused the input itself; the input is poison and goes to a dead-letter destination."""
