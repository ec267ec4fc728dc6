"""Bearer-token checks: bounded caches, quick expiry of unknown tokens, and an away token store
answered with UNAVAILABLE, through a real in-process gRPC server (the token store is a fake)."""

from __future__ import annotations

from concurrent import futures

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from satmon_core.auth import CACHE_SIZE, NEGATIVE_TTL_S, AuthInterceptor, TokenVerifier, _hash, caller
from satmon_core.errors import TransientError
from tests.support.clock import FakeClock

TOKENS = {_hash("good"): ("ana", "operator"), _hash("view"): ("bo", "viewer")}


class Store:
    def __init__(self) -> None:
        self.calls = 0
        self.away = False

    def __call__(self, digest: str):
        self.calls += 1
        if self.away:
            raise TransientError("PostgreSQL: connection refused")
        return TOKENS.get(digest)


def test_known_tokens_are_cached_and_unknown_ones_expire_quickly():
    store, clock = Store(), FakeClock(0.0)
    verifier = TokenVerifier(lookup=store, clock=clock)
    assert [verifier.identity("good") for _ in range(5)] == [("ana", "operator")] * 5
    assert verifier.identity("nope") is None and verifier.identity("nope") is None
    assert store.calls == 2
    clock.now += NEGATIVE_TTL_S + 0.1
    verifier.identity("nope")
    assert store.calls == 3  # asked again: it may have been issued meanwhile


def test_random_tokens_cannot_grow_memory():
    verifier = TokenVerifier(lookup=Store(), clock=FakeClock(0.0))
    for i in range(CACHE_SIZE * 2):
        verifier.identity(f"random-{i}")
    assert len(verifier.unknown) <= CACHE_SIZE


@pytest.fixture
def server():
    store = Store()

    def whoami(request, context):
        return (caller() or "-").encode()

    handler = grpc.method_handlers_generic_handler("test.Echo", {
        "WhoAmI": grpc.unary_unary_rpc_method_handler(whoami)})
    srv = grpc.server(futures.ThreadPoolExecutor(4),
                      interceptors=[AuthInterceptor(TokenVerifier(lookup=store, clock=FakeClock(0.0)))])
    srv.add_generic_rpc_handlers((handler,))
    port = srv.add_insecure_port("127.0.0.1:0")
    srv.start()
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        yield channel.unary_unary("/test.Echo/WhoAmI"), store
    srv.stop(0)


def _reason(error: grpc.RpcError) -> str:
    """The ErrorInfo reason a refusal carries in its google.rpc.Status details."""
    (detail,) = rpc_status.from_call(error).details
    info = error_details_pb2.ErrorInfo()
    assert detail.Unpack(info)
    assert info.domain == "satmon.io"
    return info.reason


@pytest.mark.parametrize("metadata,reason", [
    ([], "TOKEN_MISSING"),
    ([("authorization", "good")], "BEARER_PREFIX_MISSING"),
    ([("authorization", "Bearer nope")], "TOKEN_UNKNOWN"),
])
def test_missing_or_unknown_tokens_are_unauthenticated_and_say_why(server, metadata, reason):
    call, _ = server
    with pytest.raises(grpc.RpcError) as info:
        call(b"", metadata=metadata, timeout=5)
    assert info.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert _reason(info.value) == reason


def test_the_caller_is_the_tokens_name(server):
    call, _ = server
    assert call(b"", metadata=[("authorization", "Bearer good")], timeout=5) == b"ana"


def test_an_away_token_store_is_unavailable_not_a_stall(server):
    call, store = server
    store.away = True
    with pytest.raises(grpc.RpcError) as info:
        call(b"", metadata=[("authorization", "Bearer view")], timeout=5)
    assert info.value.code() == grpc.StatusCode.UNAVAILABLE
    assert _reason(info.value) == "TOKEN_STORE_UNAVAILABLE"
