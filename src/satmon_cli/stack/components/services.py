"""satmon's own services: each process runs its package with `python -m`, serves gRPC health on its
port and Prometheus metrics beside it; a scaled service has one Component per process."""

from __future__ import annotations

import os
import sys

from satmon_cli.stack.components.base import Component
from satmon_cli.stack.layout import HOST, METRICS_OFFSET, port, replica_name, service_env

__all__ = ["service", "SERVICE_MODULES"]

SERVICE_MODULES = {"writer": "satmon_writer", "worker": "satmon_worker", "scheduler": "satmon_scheduler",
                   "router": "satmon_router", "ops-api": "satmon_ops", "notifier": "satmon_notifier"}


def _env(service_name: str, name: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(service_env())
    env.update({
        "SATMON_GRPC_PORT": str(port(name)),
        "SATMON_METRICS_PORT": str(port(name) + METRICS_OFFSET),
        "OTEL_SERVICE_NAME": f"satmon-{service_name}",
        "OTEL_RESOURCE_ATTRIBUTES": f"service.instance.id={name}",
        "PYTHONUNBUFFERED": "1",
    })
    return env


def _grpc_healthy(name: str) -> bool:
    from satmon_core.grpc_server import check_health

    return check_health(f"{HOST}:{port(name)}", timeout=2)


def service(service_name: str, replica: int = 1, start_timeout: float = 60) -> Component:
    """The Component of one process of a service (replica 1 is its first; `satmon up --scale` adds more)."""
    name = replica_name(service_name, replica)
    return Component(
        name=name,
        service=service_name,
        ports=(name,),
        argv=lambda: [sys.executable, "-m", SERVICE_MODULES[service_name]],
        env=lambda: _env(service_name, name),
        ready=lambda: _grpc_healthy(name),
        start_timeout=start_timeout,
        kind="service",
        metrics_port=lambda: port(name) + METRICS_OFFSET,
        endpoint=lambda: f"grpc://{HOST}:{port(name)} (metrics http://{HOST}:{port(name) + METRICS_OFFSET}/metrics)",
    )
