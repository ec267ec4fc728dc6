"""Turning errors into google.rpc.Status with details, sent with abort_with_status."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import grpc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

__all__ = ["abort_invalid", "abort_with", "DOMAIN", "page_size", "page_token_errors"]

DOMAIN = "satmon.io"


def abort_invalid(context: grpc.ServicerContext, field: str, description: str) -> None:
    """INVALID_ARGUMENT with a BadRequest naming the field."""
    detail = any_pb2.Any()
    detail.Pack(error_details_pb2.BadRequest(field_violations=[
        error_details_pb2.BadRequest.FieldViolation(field=field, description=description)]))
    status = status_pb2.Status(code=code_pb2.INVALID_ARGUMENT, message=f"{field}: {description}", details=[detail])
    context.abort_with_status(rpc_status.to_status(status))


def abort_with(context: grpc.ServicerContext, code: grpc.StatusCode, reason: str, message: str,
               metadata: dict[str, str] | None = None) -> None:
    """Any canonical code with an ErrorInfo (reason, domain, metadata)."""
    detail = any_pb2.Any()
    detail.Pack(error_details_pb2.ErrorInfo(reason=reason, domain=DOMAIN, metadata=metadata or {}))
    status = status_pb2.Status(code=code.value[0], message=message, details=[detail])
    context.abort_with_status(rpc_status.to_status(status))


def page_size(context: grpc.ServicerContext, value: int, default: int = 50, maximum: int = 1000) -> int:
    """AIP-158 page size: negative is INVALID_ARGUMENT, 0 means the default, large values are capped."""
    if value < 0:
        abort_invalid(context, "page_size", "must not be negative")
    return min(value or default, maximum)


@contextmanager
def page_token_errors(context: grpc.ServicerContext) -> Iterator[None]:
    """A page token we did not issue fails to decode: INVALID_ARGUMENT naming page_token."""
    try:
        yield
    except (ValueError, TypeError):
        abort_invalid(context, "page_token", "is not a token this service issued")
