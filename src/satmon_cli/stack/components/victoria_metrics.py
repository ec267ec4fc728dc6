"""VictoriaMetrics: the telemetry, scores and summaries the writer stores, for trends and exports."""

from __future__ import annotations

from satmon_cli.stack.components.base import Component, http_ok, which
from satmon_cli.stack.layout import HOST, port
from satmon_cli.stack.server_flags import VICTORIA_METRICS_FLAGS
from satmon_core.paths import state_dir

__all__ = ["VICTORIA_METRICS"]

VICTORIA_METRICS = Component(
    name="victoria-metrics",
    ports=("victoria-metrics",),
    executables=lambda: [("victoria-metrics", which("victoria-metrics"))],
    prepare=lambda: (state_dir() / "victoria-metrics").mkdir(parents=True, exist_ok=True),
    argv=lambda: [which("victoria-metrics"), f"-storageDataPath={state_dir() / 'victoria-metrics'}",
                  f"-httpListenAddr={HOST}:{port('victoria-metrics')}", *VICTORIA_METRICS_FLAGS,
                  # Replays and tests read data seconds after writing it.
                  "-search.latencyOffset=1s", "-search.disableCache"],
    ready=lambda: http_ok(f"http://{HOST}:{port('victoria-metrics')}/health"),
    endpoint=lambda: f"http://{HOST}:{port('victoria-metrics')}",
)
