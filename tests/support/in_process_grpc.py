"""A servicer served in-process the way every satmon service serves it (start_grpc_server: the
request-rule and error-mapping interceptor, health, reflection), on a free port, with bearer tokens
checked against a token store only when given one; and the error details a caller reads from a
failed RPC."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import grpc
from google.protobuf.message import Message
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from satmon_core.auth import TokenVerifier
from satmon_core.config import Settings
from satmon_core.grpc_server import Registration, start_grpc_server

__all__ = ["serve", "settings_on_free_port", "error_info", "bad_request_fields"]

UNUSED = "unused:0"  # the servicers under test get their dependencies as fakes, not from settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def settings_on_free_port() -> Settings:
    """Settings for a server on a free port, with no metrics server and no real dependencies."""
    return Settings(kafka_bootstrap=UNUSED, amqp_url=UNUSED, pg_dsn=UNUSED, vm_url=UNUSED, triton_url=UNUSED,
                    data_dir=Path("/nonexistent"), grpc_port=_free_port(), metrics_port=0, topic_prefix="test.")


@contextmanager
def serve(registration: Registration, token_store_dsn: str | None = None) -> Iterator[grpc.Channel]:
    """A channel to the servicer, served until the block ends; with `token_store_dsn`, every RPC
    needs a bearer token from that database's api_tokens."""
    settings = settings_on_free_port()
    verifier = TokenVerifier(token_store_dsn) if token_store_dsn else None
    server, _ = start_grpc_server(settings, [registration], max_workers=4, authenticate=verifier is not None,
                                  verifier=verifier)
    try:
        with grpc.insecure_channel(f"127.0.0.1:{settings.grpc_port}") as channel:
            yield channel
    finally:
        server.stop(grace=None)
        if verifier is not None:
            verifier.close()


def _detail(error: grpc.RpcError, kind: type[Message]) -> Message:
    status = rpc_status.from_call(error)
    assert status is not None, f"no google.rpc.Status in {error.code()}: {error.details()}"
    found = [d for d in status.details if d.Is(kind.DESCRIPTOR)]
    assert len(found) == 1, f"expected one {kind.__name__} in {status.details}"
    detail = kind()
    found[0].Unpack(detail)
    return detail


def error_info(error: grpc.RpcError) -> error_details_pb2.ErrorInfo:
    return _detail(error, error_details_pb2.ErrorInfo)


def bad_request_fields(error: grpc.RpcError) -> list[str]:
    """The fields a BadRequest names, in order."""
    return [v.field for v in _detail(error, error_details_pb2.BadRequest).field_violations]
