"""The notifier against PostgreSQL (its outbox, deliveries and messages), with a recording contact
point in place of Apprise: an alert the writer raises or escalates queues exactly one event in the
writer's own transaction; a round routes and sends it once; a contact point that fails keeps the
delivery pending with its error and gets it on a later try; silences, grouping and the rate limit."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone

import psycopg
import pytest

from satmon_core.liveness import LoopLiveness
from satmon_core.postgres import ServiceRole, make_pool
from satmon_notifier.adapters.config_file import ConfigFile
from satmon_notifier.adapters.store import NotificationStore
from satmon_notifier.notifier import Notifier, event_listener

pytestmark = pytest.mark.middle

T0 = datetime(2026, 12, 5, 10, 0, tzinfo=timezone.utc)


class Contact:
    """Records what it is sent; answers with `error` while it is set (an unreachable contact point)."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], str, str]] = []
        self.error: str | None = None

    def __call__(self, urls, message, severity):
        if self.error is not None:
            return self.error
        self.received.append((urls, message.title, message.body))
        return None


def _config(tmp_path, routes: str, silences: str = "[]"):
    path = tmp_path / "notifications.yaml"
    path.write_text("dashboard_url: http://dash.example/\n"
                    "contact_points: {hook: {urls: ['json://127.0.0.1:9/hook']}}\n"
                    f"routes: {routes}\nsilences: {silences}\n")
    return ConfigFile(path)


@pytest.fixture
def notifier_for(db, tmp_path):
    pools = []

    def build(routes: str, silences: str = "[]") -> tuple[Notifier, Contact]:
        pool = make_pool(db.as_role(ServiceRole.NOTIFIER), max_size=3)
        pools.append(pool)
        contact = Contact()
        notifier = Notifier(NotificationStore(pool), _config(tmp_path, routes, silences), contact,
                            LoopLiveness("notifier", "notifications"), listen=lambda: None)
        return notifier, contact

    yield build
    for pool in pools:
        pool.close()


def _raise(db, satellite="SAT-101", subsystem="power", kind="limit", severity="warning") -> int:
    """An alert as the writer raises it, in the writer's role."""
    with psycopg.connect(db.as_role(ServiceRole.WRITER)) as conn:
        return conn.execute(
            "INSERT INTO detector_alerts (satellite_id, subsystem, model_name, start_time, end_time, peak_score, "
            "kind, severity, state, parameter, limit_value, offending_value) VALUES "
            "(%s, %s, 'LEO_DEMO_power', %s, %s, 0.5, %s, %s, 'open', %s, 30, 22) RETURNING alert_id",
            (satellite, subsystem, T0, T0 + timedelta(seconds=60), kind, severity,
             "battery_soc" if kind == "limit" else None)).fetchone()[0]


def _rows(db, sql: str, params=()) -> list[tuple]:
    with psycopg.connect(db.dsn) as conn:
        return conn.execute(sql, params).fetchall()


def _make_due(db) -> None:
    """Moves every waiting delivery's time to now: what waiting out the backoff or limit would do."""
    with psycopg.connect(db.dsn) as conn:
        conn.execute("UPDATE notification_deliveries SET due_at = now() WHERE status = 'pending'")


def test_raising_and_escalating_queue_one_event_each_in_the_writers_transaction(db):
    alert_id = _raise(db)
    with psycopg.connect(db.as_role(ServiceRole.WRITER)) as conn:
        conn.execute("UPDATE detector_alerts SET end_time = end_time + interval '1 minute' WHERE alert_id = %s",
                     (alert_id,))
        conn.execute("UPDATE detector_alerts SET severity = 'critical' WHERE alert_id = %s", (alert_id,))
        conn.execute("UPDATE detector_alerts SET severity = 'critical' WHERE alert_id = %s", (alert_id,))
    with psycopg.connect(db.as_role(ServiceRole.WRITER)) as conn:  # rolled back: no event
        conn.execute("INSERT INTO detector_alerts (satellite_id, subsystem, model_name, start_time, end_time, "
                     "peak_score) VALUES ('SAT-9', 'acs', 'm', now(), now(), 1)")
        conn.rollback()
    assert _rows(db, "SELECT alert_id, reason, severity FROM notification_events ORDER BY event_id") == [
        (alert_id, "raised", "warning"), (alert_id, "escalated", "critical")]


def test_a_round_routes_and_sends_each_event_once_with_its_trend_link(db, notifier_for):
    notifier, contact = notifier_for("[{name: all, contact_points: [hook], group_wait_s: 0, group_by: [alert]}]")
    first, second = _raise(db), _raise(db, satellite="SAT-102", kind="model", subsystem="thermal")
    notifier.round()
    notifier.round()
    assert len(contact.received) == 2
    titles = sorted(title for _, title, _ in contact.received)
    assert titles == ["[satmon WARNING] 1 alert on SAT-101", "[satmon WARNING] 1 alert on SAT-102"]
    body = next(body for _, title, body in contact.received if "SAT-101" in title)
    assert f"limit alert #{first} raised: warning on SAT-101 power battery_soc, value 22 beyond limit 30" in body
    assert "trend: http://dash.example/#/trends?satellite=SAT-101&subsystem=power" in body
    assert _rows(db, "SELECT alert_id, status, attempts FROM notification_deliveries ORDER BY alert_id") == [
        (first, "sent", 1), (second, "sent", 1)]
    assert _rows(db, "SELECT count(*) FROM notification_messages") == [(2,)]
    assert _rows(db, "SELECT count(*) FROM notification_events e WHERE NOT EXISTS (SELECT 1 FROM notification_routings r WHERE r.event_id = e.event_id)") == [(0,)]


def test_a_contact_point_that_fails_keeps_the_delivery_and_gets_it_later_once(db, notifier_for):
    notifier, contact = notifier_for("[{name: all, contact_points: [hook], group_wait_s: 0}]")
    contact.error = "A Connection error occurred sending JSON notification to 127.0.0.1."
    alert_id = _raise(db)
    notifier.round()
    [(status, attempts, error, wait_s)] = _rows(
        db, "SELECT status, attempts, last_error, extract(epoch FROM due_at - now()) FROM notification_deliveries")
    assert (status, attempts, error) == ("pending", 1, contact.error) and 3 < wait_s <= 5
    notifier.round()  # not due yet: no second attempt
    assert _rows(db, "SELECT attempts FROM notification_deliveries") == [(1,)]
    _make_due(db)
    notifier.round()  # still down: the backoff doubles
    [(attempts, wait_s)] = _rows(db, "SELECT attempts, extract(epoch FROM due_at - now()) FROM notification_deliveries")
    assert attempts == 2 and 8 < wait_s <= 10

    contact.error = None  # the contact point is back
    _make_due(db)
    notifier.round()
    notifier.round()
    assert len(contact.received) == 1 and f"#{alert_id} raised" in contact.received[0][2]
    assert _rows(db, "SELECT status, attempts, last_error FROM notification_deliveries") == [("sent", 3, "")]


def test_a_silenced_alert_is_recorded_and_not_sent(db, notifier_for):
    notifier, contact = notifier_for(
        "[{name: all, contact_points: [hook], group_wait_s: 0}]",
        "[{name: maintenance, match: {satellites: [SAT-101]}, starts: 2000-01-01T00:00:00Z, ends: 2100-01-01T00:00:00Z}]")
    _raise(db)
    other = _raise(db, satellite="SAT-102")
    notifier.round()
    assert [title for _, title, _ in contact.received] == ["[satmon WARNING] 1 alert on SAT-102"]
    assert _rows(db, "SELECT alert_id, status, silence FROM notification_deliveries ORDER BY alert_id") == [
        (other - 1, "silenced", "maintenance"), (other, "sent", "")]


def test_alerts_of_one_group_within_its_wait_go_in_one_message(db, notifier_for):
    notifier, contact = notifier_for("[{name: all, contact_points: [hook], group_wait_s: 60, group_by: [satellite]}]")
    _raise(db), _raise(db, subsystem="thermal"), _raise(db, satellite="SAT-102")
    notifier.round()
    assert contact.received == []  # the groups are still gathering
    _make_due(db)
    notifier.round()
    assert sorted(title for _, title, _ in contact.received) == [
        "[satmon WARNING] 1 alert on SAT-102", "[satmon WARNING] 2 alerts on SAT-101"]


def test_the_rate_limit_holds_messages_back_and_sends_them_together_later(db, notifier_for):
    notifier, contact = notifier_for("[{name: all, contact_points: [hook], group_wait_s: 0, group_by: [satellite], "
                                     "rate_limit: {messages: 1, per_s: 3600}}]")
    for satellite in ("SAT-101", "SAT-102", "SAT-103"):
        _raise(db, satellite=satellite)
    notifier.round()
    assert len(contact.received) == 1
    waits = _rows(db, "SELECT extract(epoch FROM due_at - now()) FROM notification_deliveries WHERE status = 'pending'")
    assert len(waits) == 2 and all(3500 < w <= 3600 for (w,) in waits)
    with psycopg.connect(db.dsn) as conn:  # an hour later
        conn.execute("UPDATE notification_messages SET sent_at = sent_at - interval '61 minutes'")
    _make_due(db)
    notifier.round()
    # Two groups due and a limit of one per hour: one goes now, the other waits again. Nothing is dropped.
    assert len(contact.received) == 2
    assert _rows(db, "SELECT status, count(*) FROM notification_deliveries GROUP BY 1 ORDER BY 1") == [
        ("pending", 1), ("sent", 2)]


def test_the_running_loop_wakes_on_the_outbox_announcement(db, tmp_path):
    pool = make_pool(db.as_role(ServiceRole.NOTIFIER), max_size=3)
    contact = Contact()
    liveness = LoopLiveness("notifier", "notifications")
    notifier = Notifier(NotificationStore(pool), _config(tmp_path, "[{name: all, contact_points: [hook], group_wait_s: 0}]"),
                        contact, liveness, listen=lambda: event_listener(db.as_role(ServiceRole.NOTIFIER)))
    stopping = threading.Event()
    thread = threading.Thread(target=notifier.run, args=(stopping,), daemon=True)
    thread.start()
    try:
        time.sleep(0.5)  # listening, and asleep for up to 5 s
        raised_at = time.monotonic()
        alert_id = _raise(db)
        while not contact.received and time.monotonic() - raised_at < 10:
            time.sleep(0.05)
        assert contact.received and f"#{alert_id} raised" in contact.received[0][2]
        assert time.monotonic() - raised_at < 2  # woken by NOTIFY, not by its 5 s timer
        assert liveness.verdict().healthy
    finally:
        stopping.set()
        thread.join(timeout=10)
        pool.close()
