"""The one mapping from satmon's exceptions to gRPC status (google.rpc.Status with details), and the
one server interceptor every satmon service runs: declared request rules first, then the servicer,
with whatever it raises turned into a status.

    InvalidArgument     -> INVALID_ARGUMENT, BadRequest with every field violation (REST 400)
    NotFound            -> NOT_FOUND, ErrorInfo(reason, metadata)                 (404)
    FailedPrecondition  -> FAILED_PRECONDITION, ErrorInfo                          (400)
    TransientError      -> UNAVAILABLE, ErrorInfo(reason): retry later             (503)
    psycopg.OperationalError -> UNAVAILABLE, DATABASE_UNAVAILABLE                  (503)
    anything else       -> INTERNAL "internal error", logged with its traceback; raw text never leaves
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import grpc
import psycopg
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from satmon_core.errors import FailedPrecondition, InvalidArgument, NotFound, SatmonError, TransientError
from satmon_core.request_validation import violations

__all__ = ["DOMAIN", "ServiceInterceptor", "status_for", "error_status", "page_size"]

DOMAIN = "satmon.io"
log = logging.getLogger(__name__)


def _status(code: int, message: str, detail) -> grpc.Status:
    packed = any_pb2.Any()
    packed.Pack(detail)
    return rpc_status.to_status(status_pb2.Status(code=code, message=message, details=[packed]))


def _error_info(reason: str, metadata: dict[str, str]) -> error_details_pb2.ErrorInfo:
    return error_details_pb2.ErrorInfo(reason=reason, domain=DOMAIN, metadata=metadata)


def error_status(code: int, message: str, reason: str, metadata: dict[str, str] | None = None) -> grpc.Status:
    """A status with an ErrorInfo, for refusals that are not exceptions (the auth interceptor's)."""
    return _status(code, message, _error_info(reason, metadata or {}))


def status_for(exc: Exception) -> grpc.Status:
    """The status an exception becomes; unknown exceptions become a bare INTERNAL."""
    if isinstance(exc, InvalidArgument):
        detail = error_details_pb2.BadRequest(field_violations=[
            error_details_pb2.BadRequest.FieldViolation(field=field, description=description)
            for field, description in exc.violations])
        return _status(code_pb2.INVALID_ARGUMENT, "; ".join(f"{f}: {d}" for f, d in exc.violations), detail)
    if isinstance(exc, NotFound):
        return _status(code_pb2.NOT_FOUND, str(exc), _error_info(exc.reason, exc.metadata))
    if isinstance(exc, FailedPrecondition):
        return _status(code_pb2.FAILED_PRECONDITION, str(exc), _error_info(exc.reason, exc.metadata))
    if isinstance(exc, TransientError):
        return _status(code_pb2.UNAVAILABLE, f"{exc}; retry", _error_info(exc.reason, {}))
    if isinstance(exc, psycopg.OperationalError):  # a lost database connection, wherever it surfaces
        return _status(code_pb2.UNAVAILABLE, "PostgreSQL is unavailable; retry",
                       _error_info("DATABASE_UNAVAILABLE", {}))
    return _status(code_pb2.INTERNAL, "internal error (logged by the service)", _error_info("INTERNAL", {}))


def page_size(value: int, default: int = 50, maximum: int = 1000) -> int:
    """AIP-158 page size: 0 means the default, large values are capped (negative ones are refused by
    the declared rule, `int32.gte = 0`, before the servicer runs)."""
    return min(value or default, maximum)


class ServiceInterceptor(grpc.ServerInterceptor):
    """Checks each unary request against its declared rules, then runs the servicer and turns what it
    raises into a status (see the table above). Streaming responses are covered until their first
    message; errors after that end the stream with the same mapping."""

    def intercept_service(self, continuation, handler_call_details):
        handler = continuation(handler_call_details)
        if handler is None or handler.request_streaming:
            return handler
        method = handler_call_details.method

        def unary(request, context):
            with _statuses(method, context):
                _check(request)
                return handler.unary_unary(request, context)

        def streaming(request, context):
            with _statuses(method, context):
                _check(request)
                yield from handler.unary_stream(request, context)

        if handler.response_streaming:
            return grpc.unary_stream_rpc_method_handler(streaming, request_deserializer=handler.request_deserializer,
                                                        response_serializer=handler.response_serializer)
        return grpc.unary_unary_rpc_method_handler(unary, request_deserializer=handler.request_deserializer,
                                                   response_serializer=handler.response_serializer)


def _check(request) -> None:
    broken = violations(request)
    if broken:
        raise InvalidArgument(*broken[0], *broken[1:])


@contextmanager
def _statuses(method: str, context: grpc.ServicerContext) -> Iterator[None]:
    try:
        yield
    except SatmonError as exc:
        status = status_for(exc)
        if status.code == grpc.StatusCode.INTERNAL:  # one of ours the table does not map: a bug to read
            log.exception("%s failed", method)
        context.abort_with_status(status)
    except Exception as exc:
        if context.code() not in (None, grpc.StatusCode.OK):
            raise  # the servicer set its own status (context.abort): keep it
        log.exception("%s failed", method)
        context.abort_with_status(status_for(exc))
