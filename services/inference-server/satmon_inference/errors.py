"""Inference server errors, each carrying the gRPC code Triton uses for it.

    InferenceError
    ├── ModelNotFound      NOT_FOUND ("Request for unknown model: ...")
    ├── InvalidInput       INVALID_ARGUMENT (shape, datatype, NaN, missing input)
    └── ModelLoadError     raised at start-up for a broken repository entry
"""

from __future__ import annotations

import grpc

__all__ = ["InferenceError", "ModelNotFound", "InvalidInput", "ModelLoadError"]


class InferenceError(Exception):
    code = grpc.StatusCode.INTERNAL


class ModelNotFound(InferenceError):
    code = grpc.StatusCode.NOT_FOUND


class InvalidInput(InferenceError):
    code = grpc.StatusCode.INVALID_ARGUMENT


class ModelLoadError(InferenceError):
    code = grpc.StatusCode.INTERNAL
