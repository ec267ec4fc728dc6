"""The live event hub behind StreamEvents: results from Kafka, alert changes from PostgreSQL.

Each ops-api process reads the results topic with its own consumer group from the newest offset
(it is a live view, not a replay), through a BatchLoop that reports its liveness like every other
consume loop, and fans events out to subscriber queues; slow subscribers lose their oldest events,
never block others. Alert changes arrive as PostgreSQL notifications the moment they commit.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone

import psycopg
from confluent_kafka import Message

from satmon.detection.v1 import events_pb2
from satmon.ops.v1 import ops_service_pb2 as pb
from satmon_core.inference_results import with_listed_reconstruction
from satmon_core.kafka import BatchLoop, DeadLetter, loop_liveness, make_consumer
from satmon_ops.adapters.alert_notifications import AlertNotifications
from satmon_ops.adapters.ops_store import ChangeCursor

__all__ = ["EventHub"]

log = logging.getLogger(__name__)

SUBSCRIBER_QUEUE = 1000
STATS_EVERY_S = 10.0
RECONNECT_AFTER_S = 1.0
# A change is stamped when its transaction starts and announced when it commits: catching up from a
# minute before the last notification covers transactions that were open across the disconnect.
CATCH_UP_MARGIN = timedelta(minutes=1)
CATCH_UP_PAGES = 20  # of 500 alerts: a backlog larger than that is for the alerts list, not a live stream


class EventHub:
    def __init__(self, bootstrap: str, results_topic: str, store, dsn: str) -> None:
        self.bootstrap = bootstrap
        self.results_topic = results_topic
        self.store = store
        self.dsn = dsn
        self.subscribers: set[queue.Queue] = set()
        self.lock = threading.Lock()
        # A group per process, so every ops-api process sees every result.
        self.results_group = f"satmon-ops-live-{uuid.uuid4().hex[:8]}"
        self.results_liveness = loop_liveness("ops-api", bootstrap, self.results_group, [results_topic])

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
        def consumer():
            return make_consumer(self.bootstrap, self.results_group,
                                 **{"auto.offset.reset": "latest", "enable.auto.commit": False})

        # The handler rejects nothing (an undecodable result is the writer's to dead-letter), so this
        # loop has no dead-letter producer.
        loop = BatchLoop("ops-api", consumer(), self._publish_results, producer=None, dead_letter_topic="",
                         batch_size=200, topics=[self.results_topic], liveness=self.results_liveness,
                         reconnect=consumer)
        loop.stopping = stopping
        loop.run()

    def _publish_results(self, messages: list[Message]) -> list[DeadLetter]:
        if not self.subscribers:
            return []
        for msg in messages:
            result = events_pb2.InferenceResult()
            try:
                result.ParseFromString(msg.value())
            except Exception:  # noqa: BLE001 - the writer dead-letters these
                continue
            self.publish(pb.StreamEventsResponse(result=with_listed_reconstruction(result)))
        return []

    def run_alerts(self, stopping: threading.Event) -> None:
        """Alert changes as they commit, and job statistics every STATS_EVERY_S. After a lost
        connection it listens again, then catches up on what changed while it was away."""
        heard_up_to = datetime.now(timezone.utc)
        stats_at = time.monotonic()
        while not stopping.is_set():
            try:
                with AlertNotifications(self.dsn) as changes:
                    self._catch_up(heard_up_to - CATCH_UP_MARGIN)
                    while not stopping.is_set():
                        changed = changes.wait(timeout=1.0)
                        heard_up_to = datetime.now(timezone.utc)
                        if changed:
                            for alert in self.store.alerts_by_id(changed):
                                self.publish(pb.StreamEventsResponse(alert=alert))
                        if time.monotonic() - stats_at >= STATS_EVERY_S:
                            stats_at = time.monotonic()
                            self._publish_stats()
            except psycopg.Error as exc:
                log.warning("alert notifications: %s; listening again in %.0f s", exc, RECONNECT_AFTER_S)
                stopping.wait(RECONNECT_AFTER_S)

    def _catch_up(self, since: datetime) -> None:
        """Publishes alerts changed after `since` (a subscriber may see one twice: the dashboard
        keeps alerts by id, so a repeat only refreshes it)."""
        cursor = ChangeCursor(since)
        for _ in range(CATCH_UP_PAGES):
            alerts, cursor = self.store.alerts_changed_since(cursor)
            for alert in alerts:
                self.publish(pb.StreamEventsResponse(alert=alert))
            if not alerts:
                return

    def _publish_stats(self) -> None:
        if self.subscribers:
            now = datetime.now(timezone.utc)
            self.publish(pb.StreamEventsResponse(stats=self.store.job_stats(now - timedelta(hours=1), now)))
