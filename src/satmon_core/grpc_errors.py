"""Turning errors into google.rpc.Status with details, sent with abort_with_status."""

from __future__ import annotations

import grpc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

__all__ = ["abort_invalid", "abort_with", "DOMAIN"]

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
