"""The notifier's loop: route new alert events, send what is due, sleep until the next due time or
the next event (PostgreSQL NOTIFY from the outbox trigger), and report liveness as it goes.

It reads only PostgreSQL and talks only to contact points: the pipeline never waits for it, and a
contact point that is down only makes its deliveries wait (retried with backoff, never dropped).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta

import psycopg
from psycopg_pool import PoolTimeout

from satmon_core import metrics
from satmon_core.liveness import LoopLiveness
from satmon_core.pg_listen import ChannelListener
from satmon_notifier.adapters.config_file import ConfigFile
from satmon_notifier.adapters.store import DeliveryClaim, DueDelivery, NotificationStore
from satmon_notifier.domain.config import NotificationConfig
from satmon_notifier.domain.messages import Message, compose
from satmon_notifier.domain.routing import plan_deliveries, rate_limited_until, retry_delay_s

__all__ = ["EVENT_CHANNEL", "Notifier", "event_listener"]

log = logging.getLogger(__name__)

EVENT_CHANNEL = "satmon_notification_events"
# The longest sleep between rounds: a changed configuration file and an expired silence take effect
# within it, and the loop beats at least this often.
MAX_WAIT_S = 5.0
RECONNECT_S = 2.0

Sender = Callable[[list[str], Message, str], "str | None"]


def event_listener(dsn: str) -> ChannelListener:
    """Wakes the notifier when the outbox trigger announces an event (the payload is the alert id)."""
    return ChannelListener(dsn, EVENT_CHANNEL)


class Notifier:
    def __init__(self, store: NotificationStore, config: ConfigFile, send: Sender, liveness: LoopLiveness,
                 listen: Callable[[], ChannelListener]) -> None:
        self.store, self.config, self.send, self.liveness, self.listen = store, config, send, liveness, listen
        liveness.holds(1)  # no partitions here: only the "wedged" rule applies

    def run(self, stopping: threading.Event) -> None:
        while not stopping.is_set():
            try:
                with self.listen() as signals:
                    while not stopping.is_set():
                        self._alive()
                        signals.wait(self.round())
            except (psycopg.OperationalError, PoolTimeout) as exc:
                # PostgreSQL restarting or unreachable: nothing is lost (the outbox is its tables);
                # try again shortly, still beating, since waiting for the database is not a wedge.
                log.warning("notifier: PostgreSQL unavailable (%s); retrying in %.0f s", exc, RECONNECT_S)
                self.liveness.beat()
                stopping.wait(RECONNECT_S)

    def _alive(self) -> None:
        self.liveness.beat()
        if self.liveness.repair.is_set():
            # The Watchdog judged the loop wedged (a round took longer than the bound) and it has come
            # back by itself: nothing to recreate.
            self.liveness.repaired()
            self.liveness.holds(1)

    def round(self) -> float:
        """One pass; returns how long to sleep before the next."""
        config = self.config.current()
        now = self.store.now()
        routed = self.store.route_pending(lambda alert: plan_deliveries(config, alert, now))
        if routed:
            log.info("notifier: routed %d alert events", routed)
        self.send_due(config)
        pending = self.store.pending_count()
        metrics.NOTIFICATIONS_PENDING.set(pending)
        self.liveness.lag = pending  # `satmon status` shows the deliveries waiting as the loop's lag
        due_in = self.store.next_due_in_s()
        return MAX_WAIT_S if due_in is None else min(MAX_WAIT_S, max(0.05, due_in))

    def send_due(self, config: NotificationConfig) -> None:
        with self.store.claim_due() as claim:
            sent_now: dict[tuple[str, str], list] = {}
            for (route_name, contact_point, _key), group in claim.groups().items():
                self.liveness.beat()
                self._send_group(config, claim, route_name, contact_point, group, sent_now)

    def _send_group(self, config: NotificationConfig, claim: DeliveryClaim, route_name: str, contact_point: str,
                    group: list[DueDelivery], sent_now: dict) -> None:
        now = self.store.now()
        route = next((r for r in config.routes if r.name == route_name), None)
        if route is not None and route.rate_limit is not None:
            limit = route.rate_limit
            earlier = self.store.sent_times(route_name, contact_point, timedelta(seconds=limit.per_s))
            until = rate_limited_until(earlier + sent_now.get((route_name, contact_point), []), limit.messages,
                                       limit.per_s, now)
            if until is not None:
                claim.postpone(group, until)
                return
        point = config.contact_point(contact_point)
        attempts = max(d.attempts for d in group) + 1
        if point is None:
            self._failed(claim, group, route_name, contact_point, attempts,
                         f"contact point {contact_point!r} is no longer in the configuration", now)
            return
        lines = self.store.alert_lines([(d.event_id, d.alert_id) for d in group], config.dashboard_url)
        message = compose(route_name, lines)
        severity = "critical" if any(line.severity == "critical" for line in lines) else "warning"
        try:
            error = self.send(point.resolved_urls(), message, severity)
        except Exception as exc:  # noqa: BLE001 - whatever a plugin raises, the delivery waits and is retried
            error = f"{type(exc).__name__}: {exc}"
        if error is None:
            claim.sent(group, message.title)
            sent_now.setdefault((route_name, contact_point), []).append(now)
            metrics.NOTIFICATIONS_SENT.labels(route_name, contact_point).inc()
            log.info("notifier: sent %r to %s (%d alerts)", message.title, contact_point, len(group))
        else:
            self._failed(claim, group, route_name, contact_point, attempts, error, now)

    @staticmethod
    def _failed(claim: DeliveryClaim, group: list[DueDelivery], route_name: str, contact_point: str, attempts: int,
                error: str, now) -> None:
        delay = retry_delay_s(attempts)
        claim.failed(group, error, now + timedelta(seconds=delay))
        metrics.NOTIFICATION_FAILURES.labels(route_name, contact_point).inc()
        log.warning("notifier: %s did not accept a message of route %s (attempt %d): %s; retrying in %.0f s",
                    contact_point, route_name, attempts, error, delay)
