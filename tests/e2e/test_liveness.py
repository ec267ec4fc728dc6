"""A consume loop that stops consuming is seen and repaired: on the stack's real broker, a loop whose
consumer is made to hold nothing while its group has lag turns its health NOT_SERVING, recreates its
consumer, serves again, and every message is handled."""

from __future__ import annotations

import socket
import threading
import uuid
from dataclasses import replace

import pytest
from grpc_health.v1 import health_pb2

from satmon_core.config import load_settings
from satmon_core.grpc_server import check_health, start_grpc_server
from satmon_core.kafka import (BatchLoop, OutgoingMessage, ensure_topics, group_view, make_consumer,
                               make_producer, produce_confirmed)
from satmon_core.liveness import LoopLiveness, Watchdog
from tests.support.pipeline import wait_for

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
