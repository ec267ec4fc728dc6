"""One way to run a satmon process: gRPC server with health and reflection,
Prometheus metrics, background loops, and a graceful stop on SIGTERM (or, for a
process whose main thread a framework owns, when that framework returns)."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent import futures
from dataclasses import dataclass, field

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from satmon_core import logs
from satmon_core.auth import AuthInterceptor, TokenVerifier
from satmon_core.config import Settings
from satmon_core.grpc_errors import ServiceInterceptor
from satmon_core.liveness import LoopLiveness, Watchdog
from satmon_core.metrics import serve_metrics

__all__ = ["Registration", "ServiceProcess", "check_health", "health_setter", "start_grpc_server", "setup_logging"]

log = logging.getLogger(__name__)


def setup_logging(service: str, settings: Settings) -> None:
    """JSON lines on stdout, one shape for every service (satmon_core.logs)."""
    logs.setup_logging(service, settings.log_level)


@dataclass(frozen=True)
class Registration:
    """A servicer, the generated add_..._to_server function, and its full service name."""

    add_to_server: Callable[[object, grpc.Server], None]
    servicer: object
    full_name: str


@dataclass
class ServiceProcess:
    name: str
    settings: Settings
    registrations: Sequence[Registration] = ()
    loops: Sequence[Callable[[threading.Event], None]] = ()
    on_stop: Sequence[Callable[[], None]] = ()
    interceptors: Sequence[grpc.ServerInterceptor] = ()
    max_workers: int = 16
    authenticate: bool = True
    also_reflect: Sequence[str] = ()  # services described (not served) here: Envoy sends reflection to ops-api
    liveness: Sequence[LoopLiveness] = ()  # the consume loops' reports: health follows them (satmon_core.liveness)
    # What runs in the main thread instead of the wait for SIGTERM: a framework that owns it and handles
    # the signals itself (the worker's Celery). The process stops when it returns.
    foreground: Callable[[], None] | None = None
    stopping: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        """Serves until SIGTERM/SIGINT (or the foreground returns), or until a background loop dies or
        a watched loop cannot be repaired (then exits non-zero)."""
        settings = self.settings
        setup_logging(self.name, settings)
        serve_metrics(settings.metrics_port, settings.bind_host)
        server, health_servicer = start_grpc_server(settings, self.registrations, self.interceptors,
                                                    self.max_workers, self.authenticate, self.also_reflect)
        names = [reg.full_name for reg in self.registrations]

        set_health = health_setter(health_servicer, names)
        failed = threading.Event()

        def fail(why: str) -> None:
            log.error("%s: exiting so the keeper restarts the process", why)
            failed.set()
            if self.foreground is not None:
                # The foreground owns the main thread and may never return (a wedged Celery event loop
                # never finishes a warm shutdown): exit at once. Work in flight was not acknowledged,
                # so its broker hands it out again.
                set_health(False)
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(1)

        threads = []
        for loop in self.loops:
            thread = threading.Thread(target=self._guard, args=(loop, fail), name=getattr(loop, "__name__", "loop"),
                                      daemon=True)
            thread.start()
            threads.append(thread)
        set_health(True)
        if self.liveness:
            watchdog = Watchdog(self.liveness, set_health, lambda why: fail(f"a watched loop could not be repaired ({why})"))
            threading.Thread(target=watchdog.run, args=(self.stopping,), name="watchdog", daemon=True).start()
        log.info("serving on %s:%d", settings.bind_host, settings.grpc_port)

        if self.foreground is not None:
            try:
                self.foreground()
            finally:
                self._drain(health_servicer, server, threads)
            return
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: self.stopping.set())
        while not self.stopping.wait(0.5):
            if failed.is_set():
                break
        self._drain(health_servicer, server, threads)
        if failed.is_set():
            raise SystemExit(1)

    def _drain(self, health_servicer: health.HealthServicer, server: grpc.Server, threads: list[threading.Thread]) -> None:
        """NOT_SERVING, then the loops and hooks finish and the server stops taking calls."""
        health_servicer.enter_graceful_shutdown()
        self.stopping.set()
        for thread in threads:
            thread.join(timeout=20)
        for hook in self.on_stop:
            hook()
        server.stop(grace=5).wait()

    def _guard(self, loop: Callable[[threading.Event], None], fail: Callable[[str], None]) -> None:
        try:
            loop(self.stopping)
        except Exception:
            name = getattr(loop, "__name__", loop)
            log.exception("background loop %s died", name)
            fail(f"background loop {name} died")


def health_setter(health_servicer: health.HealthServicer, names: Sequence[str]) -> Callable[[bool], None]:
    """Sets the process's health (the overall "" and each served name) to SERVING or NOT_SERVING:
    what a Watchdog calls as its loops turn unhealthy and healthy again."""

    def set_health(serving: bool) -> None:
        status = health_pb2.HealthCheckResponse.SERVING if serving else health_pb2.HealthCheckResponse.NOT_SERVING
        for service_name in ["", *names]:
            health_servicer.set(service_name, status)

    return set_health


def start_grpc_server(settings: Settings, registrations: Sequence[Registration],
                      interceptors: Sequence[grpc.ServerInterceptor] = (), max_workers: int = 16,
                      authenticate: bool = True, also_reflect: Sequence[str] = (),
                      verifier: TokenVerifier | None = None) -> tuple[grpc.Server, health.HealthServicer]:
    """Starts a server with health (NOT_SERVING until the caller says otherwise), reflection and,
    for operator-facing services, bearer-token checks (satmon_core.auth) against `verifier`, or
    against the token store at settings.pg_dsn."""
    interceptors = [ServiceInterceptor(), *interceptors]
    if authenticate and settings.auth_enabled:
        interceptors = [AuthInterceptor(verifier or TokenVerifier(settings.pg_dsn)), *interceptors]
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=max_workers), interceptors=list(interceptors))
    health_servicer = health.HealthServicer(experimental_non_blocking=True)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    for reg in registrations:
        reg.add_to_server(reg.servicer, server)
    names = [reg.full_name for reg in registrations]
    reflection.enable_server_reflection([*names, *also_reflect, health.SERVICE_NAME, reflection.SERVICE_NAME], server)
    for name in ["", *names]:
        health_servicer.set(name, health_pb2.HealthCheckResponse.NOT_SERVING)
    server.add_insecure_port(f"{settings.bind_host}:{settings.grpc_port}")
    server.start()
    return server, health_servicer


def check_health(target: str, service: str = "", timeout: float = 2.0) -> bool:
    with grpc.insecure_channel(target) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        response = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=timeout)
        return response.status == health_pb2.HealthCheckResponse.SERVING
