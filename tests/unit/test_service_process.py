"""ServiceProcess with a foreground (a framework that owns the main thread, as Celery does in the
worker): served and healthy while the foreground runs, drained when it returns, and ended at once
when a background loop dies, since nothing would interrupt the foreground."""

from __future__ import annotations

import threading

import grpc
import pytest

from satmon_core import grpc_server
from satmon_core.grpc_server import ServiceProcess, check_health
from tests.support.in_process_grpc import settings_on_free_port


@pytest.fixture(autouse=True)
def _no_logging_setup(monkeypatch):
    monkeypatch.setattr(grpc_server, "setup_logging", lambda *_: None)  # keep pytest's log capture


def _health(port: int) -> bool | str:
    try:
        return check_health(f"127.0.0.1:{port}", timeout=2)
    except grpc.RpcError as error:
        return error.code().name


def test_the_foreground_runs_in_the_main_thread_while_serving_and_the_process_drains_after_it():
    settings = settings_on_free_port()
    seen, stopped = {}, []
    loop_finished = threading.Event()

    def loop(stopping: threading.Event) -> None:
        stopping.wait()
        loop_finished.set()

    def foreground() -> None:
        seen["main thread"] = threading.current_thread() is threading.main_thread()
        seen["health"] = _health(settings.grpc_port)

    ServiceProcess(name="test", settings=settings, loops=[loop], on_stop=[lambda: stopped.append(True)],
                   authenticate=False, foreground=foreground).run()

    assert seen == {"main thread": True, "health": True}
    assert loop_finished.is_set() and stopped == [True]
    assert _health(settings.grpc_port) == "UNAVAILABLE"


def test_a_loop_that_dies_beside_a_foreground_ends_the_process_at_once(monkeypatch):
    settings = settings_on_free_port()
    exits, health_at_exit = [], []
    exited = threading.Event()

    def fake_exit(code: int) -> None:
        health_at_exit.append(_health(settings.grpc_port))
        exits.append(code)
        exited.set()

    monkeypatch.setattr(grpc_server.os, "_exit", fake_exit)

    def dying_loop(_stopping: threading.Event) -> None:
        raise RuntimeError("lost its broker for good")

    ServiceProcess(name="test", settings=settings, loops=[dying_loop], authenticate=False,
                   foreground=lambda: exited.wait(10)).run()

    assert exits == [1]
    assert health_at_exit == [False]  # NOT_SERVING before it goes
