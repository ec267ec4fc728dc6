"""`satmon up`, `down` and `status` over the components in `components`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from satmon_cli.stack import procs
from satmon_cli.envoy_config import UPSTREAMS
from satmon_cli.stack.components import Component, by_name, components
from satmon_cli.stack.keeper import mark_healthy, read_restarts
from satmon_cli.stack.layout import (MAX_REPLICAS, SCALABLE, log_dir, port, read_scale, replica_name, run_dir,
                                     write_scale)

__all__ = ["StackError", "up", "down", "component_states", "ComponentState", "parse_scale"]


class StackError(Exception):
    """A component is missing, its port is taken, or it failed to start. One line, naming it."""


@dataclass(frozen=True)
class ComponentState:
    name: str
    pid: int | None
    healthy: bool
    endpoint: str
    restarts: int = 0


def _selected(names: Iterable[str] | None) -> list[Component]:
    """The named components (a scaled service's name selects all its processes), or all of them."""
    every = components()
    if not names:
        return list(every)
    wanted = set(names)
    unknown = wanted - {c.name for c in every} - {c.service for c in every if c.service}
    if unknown:
        raise StackError(f"unknown component(s): {', '.join(sorted(unknown))}")
    return [c for c in every if c.name in wanted or c.service in wanted]


def parse_scale(text: str) -> dict[str, int]:
    """'worker=2,scheduler=2' -> {'worker': 2, 'scheduler': 2}, or StackError naming the bad part."""
    scale = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        service, _, count = part.partition("=")
        if service not in SCALABLE:
            raise StackError(f"--scale: {service!r} cannot be scaled (one of: {', '.join(SCALABLE)})")
        if not count.isdigit() or not 1 <= int(count) <= MAX_REPLICAS:
            raise StackError(f"--scale: {part!r} needs a count from 1 to {MAX_REPLICAS}")
        scale[service] = int(count)
    return scale


def _rescale(scale: dict[str, int], say) -> set[str]:
    """Records the new scale and stops the processes beyond it (newest first); returns the services
    whose count changed."""
    before = read_scale()
    write_scale({**before, **scale})
    for service, count in scale.items():
        for replica in range(MAX_REPLICAS, count, -1):
            if procs.stop(replica_name(service, replica)):
                say(f"  {replica_name(service, replica):<17} stopped  (scaled to {count})")
    return {service for service, count in scale.items() if before[service] != count}


def _reroute(say) -> None:
    """Envoy balances over the processes it was configured with: a running Envoy restarts to see the new set."""
    envoy = by_name("envoy")
    if procs.pid_of(envoy.name) is not None:
        procs.stop(envoy.name, envoy.stop_signal)
        _start(envoy, say)


def preflight(components: list[Component]) -> None:
    """Every executable present, before anything starts."""
    missing = [what for c in components for what, path in c.executables() if not path]
    if missing:
        raise StackError(f"missing: {', '.join(missing)} (run ./scripts/install.sh)")


def _healthy(component: Component) -> bool:
    try:
        return bool(component.ready())
    except Exception:  # noqa: BLE001 - any probe failure means not healthy
        return False


def _log_tail(name: str, lines: int = 5) -> str:
    path = log_dir() / f"{name}.log"
    if not path.exists():
        return ""
    tail = path.read_text(errors="replace").strip().splitlines()[-lines:]
    return " | ".join(line.strip()[:200] for line in tail)


def _start(component: Component, say) -> None:
    wanted = [port(name) for name in component.ports] + [p for p in [component.metrics_port()] if p]
    for number in wanted:
        if not procs.port_is_free(number):
            raise StackError(f"port {number} ({component.name}) is taken by another process")
    procs.wait_for_previous_run(component.name)
    component.prepare()
    # A server run as another user starts in / : the caller's directory may be closed to it.
    pid = procs.spawn(component.name, component.argv(), env=component.env(), user=component.user,
                      cwd=Path("/") if component.user else None, keep=component.restart)
    ok = procs.wait_until(component.ready, component.start_timeout, alive=lambda: procs.is_alive(pid))
    if not ok:
        reason = "exited" if not procs.is_alive(pid) else f"not healthy after {component.start_timeout:.0f}s"
        raise StackError(f"{component.name} failed to start ({reason}); log: {_log_tail(component.name)}")
    mark_healthy(run_dir(), component.name)  # from now on its keeper restarts it if it exits
    component.configure()
    say(f"  {component.name:<17} started  {component.endpoint()}")


def up(names: Iterable[str] | None = None, say=print, scale: dict[str, int] | None = None) -> list[ComponentState]:
    """Starts what is not running, in dependency order. On failure stops what this call started.
    With `scale`, first records how many processes each named service runs and stops the extra ones."""
    rescaled = _rescale(scale, say) if scale else set()
    wanted = _selected(names)
    preflight(wanted)
    started: list[Component] = []
    try:
        for component in wanted:
            if procs.pid_of(component.name) is not None:
                if not procs.wait_until(component.ready, 10):
                    raise StackError(f"{component.name} is running (pid {procs.pid_of(component.name)}) "
                                     "but not healthy; run `satmon down` and retry")
                component.configure()
                mark_healthy(run_dir(), component.name)
                say(f"  {component.name:<17} running  {component.endpoint()}")
                continue
            started.append(component)
            try:
                _start(component, say)
            except StackError:
                raise
            except Exception as exc:  # noqa: BLE001 - one clear line naming the component
                raise StackError(f"{component.name} failed to start: {type(exc).__name__}: {exc}") from exc
    except BaseException:
        for component in reversed(started):
            procs.stop(component.name, component.stop_signal)
        raise
    if rescaled & set(UPSTREAMS.values()) and "envoy" not in {c.name for c in started}:
        _reroute(say)  # an Envoy started by this call already routes to the new set
    return component_states(wanted)


def down(names: Iterable[str] | None = None, say=print) -> None:
    """Stops every component of ours, by PID, newest first. Data directories are kept."""
    for component in reversed(_selected(names)):
        if procs.stop(component.name, component.stop_signal):
            say(f"  {component.name:<17} stopped")


def component_states(selected: Iterable[Component] | None = None) -> list[ComponentState]:
    states = []
    for component in selected or components():
        pid = procs.pid_of(component.name)
        states.append(ComponentState(component.name, pid, pid is not None and _healthy(component),
                                     component.endpoint(), read_restarts(run_dir(), component.name).count))
    return states

