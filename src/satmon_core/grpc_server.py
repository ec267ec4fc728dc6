"""One way to run a satmon process: gRPC server with health and reflection,
Prometheus metrics, background loops, and a graceful stop on SIGTERM."""

from __future__ import annotations

import logging
import signal
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
    stopping: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        """Serves until SIGTERM/SIGINT or until a background loop dies (then exits non-zero)."""
        settings = self.settings
        setup_logging(self.name, settings)
        serve_metrics(settings.metrics_port, settings.bind_host)
        server, health_servicer = start_grpc_server(settings, self.registrations, self.interceptors,
                                                    self.max_workers, self.authenticate, self.also_reflect)
        names = [reg.full_name for reg in self.registrations]

        failed = threading.Event()
        threads = []
        for loop in self.loops:
            thread = threading.Thread(target=self._guard, args=(loop, failed), name=getattr(loop, "__name__", "loop"),
                                      daemon=True)
            thread.start()
            threads.append(thread)
        set_health = health_setter(health_servicer, names)

        def give_up(why: str) -> None:
            log.error("a consume loop could not be repaired (%s): exiting so the keeper restarts the process", why)
            failed.set()

        set_health(True)
        if self.liveness:
            watchdog = Watchdog(self.liveness, set_health, give_up)
            threading.Thread(target=watchdog.run, args=(self.stopping,), name="watchdog", daemon=True).start()
        log.info("serving on %s:%d", settings.bind_host, settings.grpc_port)

        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: self.stopping.set())
        while not self.stopping.wait(0.5):
            if failed.is_set():
                break
        health_servicer.enter_graceful_shutdown()
        self.stopping.set()
        for thread in threads:
            thread.join(timeout=20)
        for hook in self.on_stop:
            hook()
        server.stop(grace=5).wait()
        if failed.is_set():
            raise SystemExit(1)

    def _guard(self, loop: Callable[[threading.Event], None], failed: threading.Event) -> None:
        try:
            loop(self.stopping)
        except Exception:
            log.exception("background loop %s died", getattr(loop, "__name__", loop))
            failed.set()


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
