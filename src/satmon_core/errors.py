"""Exceptions shared by every satmon package.

    SatmonError
    ├── ConfigError            a required setting is missing or malformed
    ├── InvalidRecordError     a telemetry record or message fails validation (dead-lettered)
    ├── TransientError         a dependency is briefly unavailable; retry with backoff
    ├── RejectedError          a dependency refused this input (an HTTP 4xx); retrying cannot help
    ├── InvalidArgument        a request field is wrong (gRPC INVALID_ARGUMENT, REST 400)
    ├── NotFound               a named thing does not exist (NOT_FOUND, 404)
    └── FailedPrecondition     the request is well formed but cannot run now (FAILED_PRECONDITION, 400)

Servicers raise these; satmon_core.grpc_errors.StatusInterceptor is the one place that turns
them into gRPC status codes with details.
"""

from __future__ import annotations

__all__ = ["SatmonError", "ConfigError", "InvalidRecordError", "TransientError", "RejectedError", "InvalidArgument",
           "NotFound", "FailedPrecondition"]


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
    """A dependency failed in a way that retrying may fix; `reason` names the dependency's state
    for callers (e.g. TELEMETRY_STORE_UNAVAILABLE)."""

    def __init__(self, message: str = "", reason: str = "DEPENDENCY_UNAVAILABLE") -> None:
        super().__init__(message)
        self.reason = reason


class RejectedError(SatmonError):
    """A dependency refused the input itself; the input is poison and goes to a dead-letter destination."""


class InvalidArgument(SatmonError):
    """One or more request fields are wrong: `violations` is [(field path, description), ...]."""

    def __init__(self, field: str, description: str, *more: tuple[str, str]) -> None:
        self.violations: list[tuple[str, str]] = [(field, description), *more]
        super().__init__(f"{field}: {description}")


class NotFound(SatmonError):
    """A named thing does not exist; `reason` is the machine-readable code, e.g. JOB_NOT_FOUND."""

    def __init__(self, reason: str, message: str, **metadata: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.metadata = metadata


class FailedPrecondition(SatmonError):
    """The request is valid but the system's state does not allow it (e.g. no telemetry stored)."""

    def __init__(self, reason: str, message: str, **metadata: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.metadata = metadata
