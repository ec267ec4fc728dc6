"""Limit alerts (LimitAlertStore) in PostgreSQL: one open alert per satellite, subsystem and parameter,
the worst level kept, a repeat absorbed."""

from __future__ import annotations

import psycopg
import pytest

from satmon_core.postgres import ServiceRole
from satmon_writer.adapters.limit_alerts import LimitAlertStore
from satmon_writer.domain.limits import Level, LimitEvent

pytestmark = pytest.mark.middle

SECOND_NS = 1_000_000_000
KEY = ("SAT-001", "eps", "battery_voltage")


def _event(kind: str, level: Level, value: float, limit: float | None, second: int,
           parameter: str = "battery_voltage") -> LimitEvent:
    return LimitEvent(kind, "SAT-001", "eps", parameter, level, limit, value, (1_700_000_000 + second) * SECOND_NS,
                      sequence=second)


@pytest.fixture
def store(db):
    limit_alerts = LimitAlertStore(db.as_role(ServiceRole.WRITER))
    yield limit_alerts
    limit_alerts.close()


def _alerts(db) -> list[tuple]:
    with psycopg.connect(db.dsn) as conn:
        return conn.execute("SELECT alert_id, kind, state, severity, parameter, limit_value, offending_value, "
                            "start_sequence, end_sequence, closed_at IS NOT NULL FROM detector_alerts "
                            "ORDER BY alert_id").fetchall()


def test_a_raised_limit_opens_one_alert_and_raising_it_again_is_a_no_op(db, store):
    assert store.apply([_event("raised", Level.WARNING, 26.1, 26.0, 1)]) == [1]
    # A monitor that started afresh sees the same violation and raises it again.
    assert store.apply([_event("raised", Level.WARNING, 26.2, 26.0, 2)]) == []
    assert _alerts(db) == [(1, "limit", "open", "warning", "battery_voltage", 26.0, 26.1, 1, 1, False)]
    assert store.open_levels() == [(KEY, Level.WARNING)]


def test_the_worst_level_stays_when_a_red_excursion_eases_to_yellow(db, store):
    store.apply([_event("raised", Level.WARNING, 26.1, 26.0, 1)])
    store.apply([_event("changed", Level.CRITICAL, 29.5, 28.0, 2)])
    store.apply([_event("changed", Level.WARNING, 26.5, 26.0, 3)])
    assert _alerts(db) == [(1, "limit", "open", "critical", "battery_voltage", 28.0, 29.5, 1, 3, False)]
    assert store.open_levels() == [(KEY, Level.CRITICAL)]


def test_a_cleared_limit_closes_its_alert_and_a_new_violation_opens_another(db, store):
    store.apply([_event("raised", Level.WARNING, 26.1, 26.0, 1), _event("cleared", Level.NORMAL, 25.0, None, 4)])
    assert store.open_levels() == []
    assert store.apply([_event("raised", Level.CRITICAL, 30.0, 28.0, 9)]) == [2]
    assert [(a[0], a[2], a[3], a[7], a[8], a[9]) for a in _alerts(db)] == [
        (1, "closed", "warning", 1, 4, True), (2, "open", "critical", 9, 9, False)]


def test_changes_and_clears_of_a_parameter_with_no_open_alert_touch_nothing(db, store):
    events = [_event("changed", Level.CRITICAL, 30.0, 28.0, 1), _event("cleared", Level.NORMAL, 25.0, None, 2)]
    assert store.apply(events) == []
    assert _alerts(db) == []


def test_each_parameter_has_its_own_alert(db, store):
    touched = store.apply([_event("raised", Level.WARNING, 26.1, 26.0, 1),
                           _event("raised", Level.WARNING, 61.0, 60.0, 1, parameter="battery_temperature")])
    assert touched == [1, 2]
    assert sorted(key[2] for key, _ in store.open_levels()) == ["battery_temperature", "battery_voltage"]


def test_a_batch_that_fails_midway_writes_none_of_its_transitions(db, store):
    # A raise at NORMAL has no severity: the store fails on it after writing the first event.
    with pytest.raises(KeyError):
        store.apply([_event("raised", Level.WARNING, 26.1, 26.0, 1),
                     _event("raised", Level.NORMAL, 0.0, None, 2, parameter="battery_temperature")])
    assert _alerts(db) == []
