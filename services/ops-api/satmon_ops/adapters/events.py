"""The live event hub behind StreamEvents: results from Kafka, alert changes from PostgreSQL.

Each ops-api process reads the results topic with its own consumer group from
the newest offset (it is a live view, not a replay) and fans events out to
subscriber queues; slow subscribers lose their oldest events, never block others.
"""

from __future__ import annotations

import queue
import threading
import uuid
from datetime import datetime, timedelta, timezone

from satmon.detection.v1 import events_pb2
from satmon.ops.v1 import ops_service_pb2 as pb
from satmon_core.kafka import make_consumer

__all__ = ["EventHub"]

SUBSCRIBER_QUEUE = 1000


class EventHub:
    def __init__(self, bootstrap: str, results_topic: str, store) -> None:
        self.bootstrap = bootstrap
        self.results_topic = results_topic
        self.store = store
        self.subscribers: set[queue.Queue] = set()
        self.lock = threading.Lock()

    def subscribe(self) -> queue.Queue:
        q: queue.Queue = queue.Queue(SUBSCRIBER_QUEUE)
        with self.lock:
            self.subscribers.add(q)
        return q

    def unsubscribe(self, q: queue.Queue) -> None:
        with self.lock:
            self.subscribers.discard(q)

    def publish(self, event: pb.StreamEventsResponse) -> None:
        with self.lock:
            targets = list(self.subscribers)
        for q in targets:
            try:
                q.put_nowait(event)
            except queue.Full:
                try:
                    q.get_nowait()
                    q.put_nowait(event)
                except (queue.Empty, queue.Full):
                    pass

    def run_results(self, stopping: threading.Event) -> None:
        consumer = make_consumer(self.bootstrap, f"satmon-ops-live-{uuid.uuid4().hex[:8]}", [self.results_topic],
                                 **{"auto.offset.reset": "latest", "enable.auto.commit": False})
        try:
            while not stopping.is_set():
                first = consumer.poll(0.5)
                for msg in ([first, *consumer.consume(200, 0)] if first is not None else []):
                    if msg.error() or not self.subscribers:
                        continue
                    result = events_pb2.InferenceResult()
                    try:
                        result.ParseFromString(msg.value())
                    except Exception:  # noqa: BLE001 - the writer dead-letters these
                        continue
                    self.publish(pb.StreamEventsResponse(result=result))
        finally:
            consumer.close()

    def run_alerts(self, stopping: threading.Event) -> None:
        since = datetime.now(timezone.utc)
        ticks = 0
        while not stopping.wait(1.0):
            try:
                alerts, since = self.store.alerts_changed_since(since)
                for alert in alerts:
                    self.publish(pb.StreamEventsResponse(alert=alert))
                ticks += 1
                if ticks % 10 == 0 and self.subscribers:
                    now = datetime.now(timezone.utc)
                    stats = self.store.job_stats(now - timedelta(hours=1), now)
                    self.publish(pb.StreamEventsResponse(stats=stats))
            except Exception:  # noqa: BLE001 - keep the stream alive through a database blip
                continue
