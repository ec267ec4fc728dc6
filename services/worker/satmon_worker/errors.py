"""Worker errors.

    WorkerError
    ├── ModelUnavailable   the inference server does not serve the model (job fails, no retry)
    └── BadWindow          a window's shape or values are unusable (job fails, no retry)

Transient failures (server down, broker down) raise satmon_core.errors.TransientError.
"""

from __future__ import annotations

__all__ = ["WorkerError", "ModelUnavailable", "BadWindow"]


class WorkerError(Exception):
    pass


class ModelUnavailable(WorkerError):
    pass


class BadWindow(WorkerError):
    pass
