"""Bearer-token authentication and role checks for every satmon gRPC service.

Tokens are random strings shown once by `satmon token create` and stored as
SHA-256 hashes in `api_tokens`. Read RPCs need the viewer role; submitting
jobs, ingesting telemetry, scoring windows and changing alerts need the
operator role (which includes viewer). Health and reflection stay open so
probes and `grpcurl list` work. Missing or unknown tokens get UNAUTHENTICATED
(401 through Envoy), a too-weak role PERMISSION_DENIED (403).
"""

from __future__ import annotations

import contextvars
import hashlib
import os
import secrets
import threading
import time
from collections.abc import Callable

import grpc
import psycopg
from cachetools import TTLCache

from google.rpc import code_pb2

from satmon_core.errors import TransientError
from satmon_core.grpc_errors import error_status
from satmon_core.postgres import make_pool, postgres_outage_is_transient

__all__ = ["issue_token", "TokenVerifier", "AuthInterceptor", "OPERATOR_METHODS", "ROLES", "caller"]

ROLES = ("viewer", "operator")
OPERATOR_METHODS = frozenset({
    "/satmon.telemetry.v1.RoutingService/IngestTelemetry",
    "/satmon.detection.v1.SchedulingService/SubmitInferenceJob",
    "/satmon.detection.v1.SchedulingService/BatchSubmitInferenceJobs",
    "/satmon.detection.v1.InferenceService/ScoreWindow",
    "/satmon.ops.v1.OpsService/AcknowledgeAlert",
    "/satmon.ops.v1.OpsService/ResolveAlert",
    "/satmon.ops.v1.OpsService/ShelveAlert",
    "/satmon.ops.v1.OpsService/UnshelveAlert",
    "/satmon.ops.v1.OpsService/AssignAlert",
    "/satmon.ops.v1.OpsService/MarkMissedAnomaly",
})
OPEN_PREFIXES = ("/grpc.health.v1.Health/", "/grpc.reflection.", "/satmon.ops.v1.OpsService/CheckHealth")
POSITIVE_TTL_S = 30.0
NEGATIVE_TTL_S = 2.0
CACHE_SIZE = 10_000

# The name of the token behind the RPC being handled (set for operator RPCs), so servicers
# record who acted from the credential, never from a free-text field.
_CALLER: contextvars.ContextVar[str | None] = contextvars.ContextVar("satmon_caller", default=None)


def caller() -> str | None:
    """The authenticated token's name for the RPC being handled, or None (authentication off)."""
    return _CALLER.get()



def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(conn: psycopg.Connection, name: str, role: str) -> str:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    token = "smt_" + secrets.token_urlsafe(32)
    conn.execute("INSERT INTO api_tokens (name, role, token_sha256) VALUES (%s, %s, %s)", (name, role, _hash(token)))
    conn.commit()
    return token


class TokenVerifier:
    """Token -> (name, role), from `api_tokens` through a small pool, cached in bounded TTL caches:
    known tokens for POSITIVE_TTL_S (so revocation takes effect within it), unknown ones for
    NEGATIVE_TTL_S (a just-issued token works at once; random tokens cannot grow memory)."""

    def __init__(self, dsn: str | None = None, lookup: Callable[[str], tuple[str, str] | None] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._pool = make_pool(dsn, max_size=4) if lookup is None else None
        self._lookup = lookup or self._lookup_in(self._pool)
        self.known: TTLCache = TTLCache(CACHE_SIZE, POSITIVE_TTL_S, timer=clock)
        self.unknown: TTLCache = TTLCache(CACHE_SIZE, NEGATIVE_TTL_S, timer=clock)
        self.lock = threading.Lock()

    @staticmethod
    def _lookup_in(pool) -> Callable[[str], tuple[str, str] | None]:
        def lookup(digest: str) -> tuple[str, str] | None:
            with postgres_outage_is_transient(), pool.connection() as conn:
                row = conn.execute("SELECT name, role FROM api_tokens WHERE token_sha256 = %s AND revoked_at IS NULL",
                                   (digest,)).fetchone()
            return (row[0], row[1]) if row else None
        return lookup

    def close(self) -> None:
        """Closes the token store's pool (a process that serves until it exits need not)."""
        if self._pool is not None:
            self._pool.close()

    def role(self, token: str) -> str | None:
        found = self.identity(token)
        return found[1] if found else None

    def identity(self, token: str) -> tuple[str, str] | None:
        """The token's (name, role), or None when unknown; TransientError when the store is away."""
        digest = _hash(token)
        with self.lock:
            if digest in self.known:
                return self.known[digest]
            if digest in self.unknown:
                return None
        found = self._lookup(digest)
        with self.lock:
            (self.known if found else self.unknown)[digest] = found
        return found


class AuthInterceptor(grpc.ServerInterceptor):
    """Checks the bearer token inside the handler, on the server's worker threads: a slow token
    store (or a flood of unknown tokens) never holds up the polling thread that serves every RPC."""

    def __init__(self, verifier: TokenVerifier) -> None:
        self.verifier = verifier

    def intercept_service(self, continuation, handler_call_details):
        method = handler_call_details.method
        handler = continuation(handler_call_details)
        if handler is None or method.startswith(OPEN_PREFIXES):
            return handler
        header = dict(handler_call_details.invocation_metadata or ()).get("authorization", "")
        return _checked(handler, lambda context: self._caller(method, header, context))

    def _caller(self, method: str, header: str, context: grpc.ServicerContext) -> str:
        """The token's name, or aborts the RPC with the right code and an ErrorInfo saying why."""
        def refuse(code: int, message: str, reason: str, **metadata: str) -> None:
            context.abort_with_status(error_status(code, message, reason, metadata))

        if not header.strip():
            refuse(code_pb2.UNAUTHENTICATED, "a bearer token is required (authorization: Bearer ...)", "TOKEN_MISSING")
        if not header.lower().startswith("bearer "):
            # Someone who pasted the token alone has a token: say what is wrong with the header.
            refuse(code_pb2.UNAUTHENTICATED,
                   "the authorization header must read `Bearer <token>` (the `Bearer ` prefix is missing)",
                   "BEARER_PREFIX_MISSING")
        try:
            found = self.verifier.identity(header[7:].strip())
        except TransientError:
            refuse(code_pb2.UNAVAILABLE, "token store unavailable; retry", "TOKEN_STORE_UNAVAILABLE")
        if found is None:
            refuse(code_pb2.UNAUTHENTICATED, "unknown or revoked token", "TOKEN_UNKNOWN")
        name, role = found
        if method in OPERATOR_METHODS and role != "operator":
            refuse(code_pb2.PERMISSION_DENIED, f"{method} needs the operator role", "OPERATOR_ROLE_REQUIRED",
                   method=method, role=role)
        return name


def _checked(handler: grpc.RpcMethodHandler, check: Callable[[grpc.ServicerContext], str]) -> grpc.RpcMethodHandler:
    """The same handler, run after `check` (which aborts or names the caller), with `caller()` set."""
    kinds = {(False, False): ("unary_unary", grpc.unary_unary_rpc_method_handler),
             (False, True): ("unary_stream", grpc.unary_stream_rpc_method_handler),
             (True, False): ("stream_unary", grpc.stream_unary_rpc_method_handler),
             (True, True): ("stream_stream", grpc.stream_stream_rpc_method_handler)}
    attribute, make = kinds[(handler.request_streaming, handler.response_streaming)]
    behaviour = getattr(handler, attribute)

    def call(request, context):
        token = _CALLER.set(check(context))
        try:
            return behaviour(request, context)
        finally:
            _CALLER.reset(token)

    return make(call, request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer)
