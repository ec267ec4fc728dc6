"""A consume loop that stops consuming is seen and repaired: on the stack's real broker, a loop whose
consumer is made to hold nothing while its group has lag turns its health NOT_SERVING, recreates its
consumer, serves again, and every message is handled. The same for the stack's own worker, whose
Celery queue consumer is cancelled while windows are queued."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from dataclasses import replace

import grpc
import pytest
from grpc_health.v1 import health_pb2
from kombu import Connection
from kombu.exceptions import OperationalError
from prometheus_client.parser import text_string_to_metric_families

from satmon_cli.stack.layout import HOST, METRICS_OFFSET, port
from satmon_core.celery_app import QUEUE, make_celery
from satmon_core.celery_liveness import queue_view
from satmon_core.config import load_settings
from satmon_core.grpc_server import check_health, start_grpc_server
from satmon_core.kafka import (BatchLoop, OutgoingMessage, ensure_topics, group_view, make_consumer,
                               make_producer, produce_confirmed)
from satmon_core.liveness import LoopLiveness, Watchdog
from satmon_simulator.replay import ReplayPlan
from tests.support.counting import expected_stream_windows, stream_rows
from tests.support.pipeline import run_replay, wait_for

pytestmark = pytest.mark.stack


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _produce(bootstrap: str, topic: str, start: int, count: int) -> None:
    produce_confirmed(make_producer(bootstrap), [OutgoingMessage(topic, str(i).encode(), str(i).encode())
                                                 for i in range(start, start + count)], "test")


def test_a_loop_whose_consumer_holds_nothing_is_not_serving_then_repaired_and_loses_nothing(stack):
    bootstrap = stack["SATMON_KAFKA_BOOTSTRAP"]
    topic, group = f"satmon.test.liveness.{uuid.uuid4().hex[:8]}", f"satmon-test-liveness-{uuid.uuid4().hex[:8]}"
    ensure_topics(bootstrap, {topic: 3})
    _produce(bootstrap, topic, 0, 300)

    handled: set[int] = set()
    stalled = threading.Event()

    def handle(messages):
        for message in messages:
            value = int(message.value())
            handled.add(value)
            if value == 300 and not stalled.is_set():
                # The stall: the process is up, its consumer holds nothing. Done on the loop's own
                # thread (librdkafka's calls must not race the loop's poll).
                stalled.set()
                loop.consumer.unsubscribe()
        return []

    liveness = LoopLiveness("test", group, group_view=lambda: group_view(bootstrap, group, [topic]),
                            unassigned_grace_s=5)
    loop = BatchLoop("test", make_consumer(bootstrap, group), handle, make_producer(bootstrap),
                     load_settings().dead_letter_topic, topics=[topic], liveness=liveness, reconnect=lambda: make_consumer(bootstrap, group))
    port = _free_port()
    server, health = start_grpc_server(replace(load_settings(), grpc_port=port), [], authenticate=False)
    status = {True: health_pb2.HealthCheckResponse.SERVING, False: health_pb2.HealthCheckResponse.NOT_SERVING}
    watchdog = Watchdog([liveness], lambda ok: health.set("", status[ok]), lambda why: pytest.fail(why))
    threads = [threading.Thread(target=loop.run, daemon=True),
               threading.Thread(target=watchdog.run, args=(loop.stopping, 1.0), daemon=True)]
    for thread in threads:
        thread.start()
    try:
        target = f"127.0.0.1:{port}"
        assert wait_for(lambda: len(handled) == 300, 60), len(handled)
        assert wait_for(lambda: check_health(target), 10)

        _produce(bootstrap, topic, 300, 1)  # 300 makes the loop drop its subscription
        assert wait_for(stalled.is_set, 30)
        _produce(bootstrap, topic, 301, 199)  # lag that nobody reads
        assert wait_for(lambda: not check_health(target), 60), "never NOT_SERVING"
        assert wait_for(lambda: liveness.repairs == 1 and check_health(target), 90), (liveness.repairs,)
        assert wait_for(lambda: len(handled) == 500, 60), len(handled)
        assert handled == set(range(500))
    finally:
        loop.stopping.set()
        for thread in threads:
            thread.join(timeout=20)
        server.stop(0)


def _worker_serving() -> bool:
    try:
        return check_health(f"{HOST}:{port('worker')}")
    except grpc.RpcError:
        return False


def _worker_loop_metric(name: str) -> float | None:
    with urllib.request.urlopen(f"http://{HOST}:{port('worker') + METRICS_OFFSET}/metrics", timeout=3) as response:
        text = response.read().decode()
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels.get("group") == QUEUE:
                return sample.value
    return None


def _cancel_consumer(amqp_url: str) -> list:
    """`celery control cancel_consumer`, on a connection of its own: Celery's default is a pooled one
    that kombu keeps per broker address for the whole process, and the fault tests before this one
    restart RabbitMQ under it (seen once: "Connection reset by peer" on its first write). RabbitMQ
    having just restarted, the command is tried again for a while, as an operator would."""
    deadline = time.monotonic() + 60
    while True:
        try:
            with Connection(amqp_url, connect_timeout=5) as connection:
                return make_celery(amqp_url).control.cancel_consumer(QUEUE, reply=True, timeout=10,
                                                                     connection=connection)
        except (OSError, OperationalError):
            if time.monotonic() > deadline:
                raise
            time.sleep(2)


def test_a_worker_whose_queue_consumer_is_cancelled_is_not_serving_then_repaired_and_loses_nothing(stack):
    satellites, duration = 4, 300
    base_ns = (int(time.time()) - 27 * 86400) * 1_000_000_000  # a stretch of time no other test replays
    assert wait_for(_worker_serving, 60)
    repairs_before = _worker_loop_metric("satmon_consumer_loop_repairs_total") or 0.0

    # The stall: the worker process is up and connected, but consumes nothing from its queue.
    amqp_url = stack["SATMON_AMQP_URL"]
    replies = _cancel_consumer(amqp_url)
    assert replies, "no worker answered cancel_consumer"
    assert wait_for(lambda: (view := queue_view(amqp_url, QUEUE)) is not None and view.members == 0, 30)

    produced = run_replay(ReplayPlan(satellites, 1.0, duration, 40.0, 1, base_time_ns=base_ns))
    assert produced == satellites * duration
    assert wait_for(lambda: (view := queue_view(amqp_url, QUEUE)) is not None and view.lag > 0, 60), \
        "no windows queued for the cancelled consumer"
    assert wait_for(lambda: (_worker_loop_metric("satmon_consumer_loop_lag") or 0) > 0, 30), "lag never reported"

    # Past the 30 s grace with windows queued and no consumer: NOT_SERVING, then the repair.
    assert wait_for(lambda: not _worker_serving(), 90), "the worker never turned NOT_SERVING"
    assert wait_for(_worker_serving, 60), "the worker never served again"
    assert _worker_loop_metric("satmon_consumer_loop_repairs_total") == repairs_before + 1
    assert _worker_loop_metric("satmon_consumer_loop_healthy") == 1.0

    expected = expected_stream_windows(satellites, duration)
    assert wait_for(lambda: stream_rows(base_ns, duration)[0] >= expected, 240), stream_rows(base_ns, duration)
    assert wait_for(lambda: (view := queue_view(amqp_url, QUEUE)) is not None and view.lag == 0, 60)
    time.sleep(5)  # late duplicates would land now
    assert stream_rows(base_ns, duration) == (expected, expected)

    status = subprocess.run([sys.executable, "-m", "satmon_cli.main", "status"], capture_output=True, text=True,
                            timeout=120)
    assert any(line.split()[:3] == ["worker", QUEUE, "live"] for line in status.stdout.splitlines()), status.stdout
