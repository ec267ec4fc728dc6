"""The components of the local stack, in start order: one module per component.

Each component knows how to prepare its data directory, the command that runs
it in the foreground, how to tell it is healthy, and what to configure once it
is (users, databases, topics). `supervisor` does the starting and stopping;
`base` holds what every component is, and `stack.server_flags` the servers'
settings that compose.yaml sets too.
"""

from __future__ import annotations

from satmon_cli.stack.components.base import Component, delete_state
from satmon_cli.stack.components.envoy import ENVOY
from satmon_cli.stack.components.flower import FLOWER
from satmon_cli.stack.components.inference_server import INFERENCE_SERVER
from satmon_cli.stack.components.kafka import KAFKA
from satmon_cli.stack.components.postgres import POSTGRES
from satmon_cli.stack.components.rabbitmq import EPMD, RABBITMQ
from satmon_cli.stack.components.services import service
from satmon_cli.stack.components.victoria_metrics import VICTORIA_METRICS
from satmon_cli.stack.layout import read_scale

__all__ = ["Component", "COMPONENTS", "components", "by_name", "delete_state"]

COMPONENTS: tuple[Component, ...] = (
    POSTGRES,
    VICTORIA_METRICS,
    EPMD,
    RABBITMQ,
    KAFKA,
    INFERENCE_SERVER,
    service("writer"),
    service("worker"),
    service("scheduler"),
    service("router"),
    service("ops-api"),
    service("notifier"),
    FLOWER,
    ENVOY,
)


def components() -> tuple[Component, ...]:
    """COMPONENTS with each scaled service's further processes right after its first."""
    scale = read_scale()
    out: list[Component] = []
    for component in COMPONENTS:
        out.append(component)
        if component.service in scale:  # the notifier runs once: its rate limits count one process's sends
            out += [service(component.service, k) for k in range(2, scale[component.service] + 1)]
    return tuple(out)


def by_name(name: str) -> Component:
    for component in components():
        if component.name == name:
            return component
    raise KeyError(name)
