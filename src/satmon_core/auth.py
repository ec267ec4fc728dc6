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

import grpc
import psycopg

__all__ = ["issue_token", "TokenVerifier", "AuthInterceptor", "OPERATOR_METHODS", "auth_enabled", "ROLES", "caller"]

ROLES = ("viewer", "operator")
OPERATOR_METHODS = frozenset({
    "/satmon.telemetry.v1.RoutingService/IngestTelemetry",
    "/satmon.detection.v1.SchedulingService/SubmitInferenceJob",
    "/satmon.detection.v1.SchedulingService/BatchSubmitInferenceJobs",
    "/satmon.detection.v1.InferenceService/ScoreWindow",
    "/satmon.ops.v1.OpsService/AcknowledgeAlert",
    "/satmon.ops.v1.OpsService/ResolveAlert",
})
OPEN_PREFIXES = ("/grpc.health.v1.Health/", "/grpc.reflection.", "/satmon.ops.v1.OpsService/CheckHealth")
CACHE_SECONDS = 30.0

# The name of the token behind the RPC being handled (set for operator RPCs), so servicers
# record who acted from the credential, never from a free-text field.
_CALLER: contextvars.ContextVar[str | None] = contextvars.ContextVar("satmon_caller", default=None)


def caller() -> str | None:
    """The authenticated token's name for the RPC being handled, or None (authentication off)."""
    return _CALLER.get()


def auth_enabled() -> bool:
    return os.environ.get("SATMON_AUTH", "on").lower() not in ("off", "0", "false")


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
    """Token -> (name, role), cached briefly so a busy API does not query per call (revocation takes <= 30 s)."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.cache: dict[str, tuple[str | None, float]] = {}
        self.lock = threading.Lock()

    def role(self, token: str) -> str | None:
        found = self.identity(token)
        return found[1] if found else None

    def identity(self, token: str) -> tuple[str, str] | None:
        digest = _hash(token)
        now = time.monotonic()
        with self.lock:
            hit = self.cache.get(digest)
        if hit and now - hit[1] < CACHE_SECONDS:
            return hit[0]
        with psycopg.connect(self.dsn, connect_timeout=5) as conn:
            row = conn.execute("SELECT name, role FROM api_tokens WHERE token_sha256 = %s AND revoked_at IS NULL",
                               (digest,)).fetchone()
        found = (row[0], row[1]) if row else None
        with self.lock:
            self.cache[digest] = (found, now)
        return found


def _deny(handler: grpc.RpcMethodHandler, code: grpc.StatusCode, message: str) -> grpc.RpcMethodHandler:
    def abort(request, context):
        context.abort(code, message)

    if handler.request_streaming and handler.response_streaming:
        return grpc.stream_stream_rpc_method_handler(abort)
    if handler.request_streaming:
        return grpc.stream_unary_rpc_method_handler(abort)
    if handler.response_streaming:
        return grpc.unary_stream_rpc_method_handler(abort)
    return grpc.unary_unary_rpc_method_handler(abort)


class AuthInterceptor(grpc.ServerInterceptor):
    def __init__(self, verifier: TokenVerifier) -> None:
        self.verifier = verifier

    def intercept_service(self, continuation, handler_call_details):
        method = handler_call_details.method
        handler = continuation(handler_call_details)
        if handler is None or method.startswith(OPEN_PREFIXES):
            return handler
        header = dict(handler_call_details.invocation_metadata or ()).get("authorization", "")
        if not header.lower().startswith("bearer "):
            return _deny(handler, grpc.StatusCode.UNAUTHENTICATED, "a bearer token is required (authorization header)")
        try:
            found = self.verifier.identity(header[7:].strip())
        except psycopg.Error:
            return _deny(handler, grpc.StatusCode.UNAVAILABLE, "token store unavailable")
        if found is None:
            return _deny(handler, grpc.StatusCode.UNAUTHENTICATED, "unknown or revoked token")
        name, role = found
        if method in OPERATOR_METHODS:
            if role != "operator":
                return _deny(handler, grpc.StatusCode.PERMISSION_DENIED, f"{method} needs the operator role")
            return _as_caller(handler, name)
        return handler


def _as_caller(handler: grpc.RpcMethodHandler, name: str) -> grpc.RpcMethodHandler:
    """The same unary handler, run with `caller()` answering the token's name (operator RPCs are unary)."""
    if handler.request_streaming or handler.response_streaming:
        return handler

    def call(request, context):
        token = _CALLER.set(name)
        try:
            return handler.unary_unary(request, context)
        finally:
            _CALLER.reset(token)

    return grpc.unary_unary_rpc_method_handler(call, request_deserializer=handler.request_deserializer,
                                               response_serializer=handler.response_serializer)
