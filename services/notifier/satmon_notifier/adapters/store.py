"""The notification tables (db/migrations/0014): events the writer's transactions queued, the
deliveries routing made of them, and the messages sent.

Deliveries are claimed with FOR UPDATE SKIP LOCKED, so two notifier processes never send one
delivery twice; an event routed twice makes no second delivery (unique per event, route and
contact point). A delivery is marked sent in the transaction that claimed it, after the
contact point accepted the message: a crash in between sends it again (at least once; never lost).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

import psycopg
from psycopg_pool import ConnectionPool

from satmon_core.trend_links import parameter_feature, trend_link
from satmon_notifier.domain.config import AlertFacts
from satmon_notifier.domain.messages import AlertLine
from satmon_notifier.domain.routing import PlannedDelivery

__all__ = ["PendingEvent", "DueDelivery", "NotificationStore", "DeliveryClaim"]

ROUTE_BATCH = 500


@dataclass(frozen=True)
class PendingEvent:
    event_id: int
    reason: str
    alert: AlertFacts


@dataclass(frozen=True)
class DueDelivery:
    delivery_id: int
    event_id: int
    alert_id: int
    route: str
    contact_point: str
    group_key: str
    attempts: int


class DeliveryClaim:
    """Due deliveries locked by one transaction until it ends: `sent` or `failed` says how."""

    def __init__(self, conn: psycopg.Connection, deliveries: list[DueDelivery]) -> None:
        self.conn = conn
        self.deliveries = deliveries

    def groups(self) -> dict[tuple[str, str, str], list[DueDelivery]]:
        """The deliveries that go in one message: same route, contact point and group key."""
        out: dict[tuple[str, str, str], list[DueDelivery]] = {}
        for delivery in self.deliveries:
            out.setdefault((delivery.route, delivery.contact_point, delivery.group_key), []).append(delivery)
        return out

    def sent(self, group: list[DueDelivery], title: str) -> None:
        route, contact_point = group[0].route, group[0].contact_point
        message_id = self.conn.execute(
            "INSERT INTO notification_messages (route, contact_point, title, alert_count) VALUES (%s, %s, %s, %s) "
            "RETURNING message_id", (route, contact_point, title, len(group))).fetchone()[0]
        self.conn.execute(
            "UPDATE notification_deliveries SET status = 'sent', sent_at = now(), message_id = %s, "
            "attempts = attempts + 1, last_error = '' WHERE delivery_id = ANY(%s)",
            (message_id, [d.delivery_id for d in group]))

    def failed(self, group: list[DueDelivery], error: str, retry_at: datetime) -> None:
        self.conn.execute(
            "UPDATE notification_deliveries SET attempts = attempts + 1, last_error = %s, due_at = %s "
            "WHERE delivery_id = ANY(%s)", (error[:2000], retry_at, [d.delivery_id for d in group]))

    def postpone(self, group: list[DueDelivery], until: datetime) -> None:
        """Held back by the rate limit: it goes with the next message the limit allows."""
        self.conn.execute("UPDATE notification_deliveries SET due_at = %s WHERE delivery_id = ANY(%s)",
                          (until, [d.delivery_id for d in group]))


class NotificationStore:
    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool

    def route_pending(self, plan: Callable[[AlertFacts], list[PlannedDelivery]]) -> int:
        """Routes every event not routed yet, in batches: its deliveries and its mark are one
        transaction. Returns how many events were routed."""
        routed = 0
        while True:
            with self.pool.connection() as conn, conn.transaction():
                events = self._claim_events(conn)
                for event in events:
                    for planned in plan(event.alert):
                        conn.execute(
                            "INSERT INTO notification_deliveries (event_id, alert_id, route, contact_point, group_key, "
                            "status, silence, due_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
                            "ON CONFLICT (event_id, route, contact_point) DO NOTHING",
                            (event.event_id, event.alert.alert_id, planned.route, planned.contact_point,
                             planned.group_key, "silenced" if planned.silence else "pending", planned.silence,
                             planned.due_at))
                if events:
                    conn.execute("INSERT INTO notification_routings (event_id) SELECT unnest(%s::bigint[]) "
                                 "ON CONFLICT DO NOTHING", ([e.event_id for e in events],))
            routed += len(events)
            if len(events) < ROUTE_BATCH:
                return routed

    @staticmethod
    def _claim_events(conn: psycopg.Connection) -> list[PendingEvent]:
        rows = conn.execute(
            "SELECT e.event_id, e.reason, e.alert_id, d.satellite_id, d.subsystem, d.kind, e.severity, "
            "coalesce(d.parameter, '') FROM notification_events e JOIN detector_alerts d USING (alert_id) "
            "WHERE NOT EXISTS (SELECT 1 FROM notification_routings r WHERE r.event_id = e.event_id) "
            "ORDER BY e.event_id LIMIT %s",
            (ROUTE_BATCH,)).fetchall()
        return [PendingEvent(event_id, reason, AlertFacts(alert_id=alert_id, satellite=sat, subsystem=subsystem,
                                                          kind=kind, severity=severity, parameter=parameter))
                for event_id, reason, alert_id, sat, subsystem, kind, severity, parameter in rows]

    @contextmanager
    def claim_due(self, limit: int = 1000) -> Iterator[DeliveryClaim]:
        """Locks the pending deliveries due now for one transaction. A group is claimed whole: when any
        delivery of a group is due, the group's others (still in their wait) go with it."""
        with self.pool.connection() as conn, conn.transaction():
            rows = conn.execute(
                "SELECT delivery_id, event_id, alert_id, route, contact_point, group_key, attempts "
                "FROM notification_deliveries WHERE status = 'pending' AND (route, contact_point, group_key) IN "
                "  (SELECT route, contact_point, group_key FROM notification_deliveries "
                "   WHERE status = 'pending' AND due_at <= now()) "
                "ORDER BY delivery_id LIMIT %s FOR UPDATE SKIP LOCKED", (limit,)).fetchall()
            yield DeliveryClaim(conn, [DueDelivery(*row) for row in rows])

    def next_due_in_s(self) -> float | None:
        """Seconds until the earliest pending delivery is due (0 if one is due now); None if none waits."""
        with self.pool.connection() as conn:
            row = conn.execute("SELECT extract(epoch FROM min(due_at) - now()) FROM notification_deliveries "
                               "WHERE status = 'pending'").fetchone()
        return None if row[0] is None else max(0.0, float(row[0]))

    def pending_count(self) -> int:
        with self.pool.connection() as conn:
            return conn.execute("SELECT count(*) FROM notification_deliveries WHERE status = 'pending'").fetchone()[0]

    def sent_times(self, route: str, contact_point: str, since: timedelta) -> list[datetime]:
        with self.pool.connection() as conn:
            rows = conn.execute("SELECT sent_at FROM notification_messages WHERE route = %s AND contact_point = %s "
                                "AND sent_at > now() - %s", (route, contact_point, since)).fetchall()
        return [row[0] for row in rows]

    def now(self) -> datetime:
        """The database's clock: due times are compared with it, so the notifier uses it too."""
        with self.pool.connection() as conn:
            return conn.execute("SELECT now()").fetchone()[0]

    def alert_lines(self, events: list[tuple[int, int]], dashboard_url: str) -> list[AlertLine]:
        """What a message says of each (event id, alert id): the alert as it stands now, the event's
        reason and severity, and the link to its trend."""
        with self.pool.connection() as conn:
            rows = conn.execute(
                "SELECT e.event_id, e.reason, e.severity, a.alert_id, a.kind, a.satellite_id, a.subsystem, "
                "coalesce(a.parameter, ''), a.start_time, a.end_time, a.state, a.peak_score, a.offending_value, "
                "a.limit_value FROM notification_events e JOIN alerts a USING (alert_id) WHERE e.event_id = ANY(%s)",
                ([event_id for event_id, _ in events],)).fetchall()
            lines = []
            for (_, reason, severity, alert_id, kind, sat, subsystem, parameter, start, end, state, peak, value,
                 limit) in rows:
                feature = parameter_feature(conn, sat, subsystem, parameter)
                lines.append(AlertLine(alert_id, reason, severity, kind, sat, subsystem, parameter, start, state,
                                       trend_link(dashboard_url, sat, subsystem, start, end, feature),
                                       peak if kind == "model" else None, value, limit))
        return lines
