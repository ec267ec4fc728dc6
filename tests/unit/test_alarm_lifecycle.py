"""The alarm lifecycle's rules, with a controlled clock: shelve, its expiry, unshelve, assign, resolve."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from satmon_core.errors import FailedPrecondition, InvalidArgument
from satmon_ops.domain.alarms import (MAX_SHELVE, Action, Alarm, AlarmState, Disposition, acknowledge, assign, resolve,
                                      shelve, state_of, unshelve)

T0 = datetime(2026, 12, 5, 6, 0, tzinfo=timezone.utc)


def test_a_new_alarm_is_open_and_acknowledging_it_records_the_operator():
    alarm = Alarm(1)
    assert state_of(alarm, T0) is AlarmState.OPEN
    alarm, entry = acknowledge(alarm, "ada", T0, "seen")
    assert state_of(alarm, T0) is AlarmState.ACKNOWLEDGED
    assert (entry.action, entry.operator, entry.time, entry.comment) == (Action.ACKNOWLEDGE, "ada", T0, "seen")


def test_a_shelve_ends_by_itself_when_its_duration_has_passed():
    alarm, entry = shelve(Alarm(1, acknowledged=True), timedelta(minutes=10), "ada", T0)
    assert entry.shelved_until == T0 + timedelta(minutes=10)
    assert state_of(alarm, T0 + timedelta(minutes=9, seconds=59)) is AlarmState.SHELVED
    assert state_of(alarm, T0 + timedelta(minutes=10)) is AlarmState.ACKNOWLEDGED  # back to what it was


def test_an_expired_shelve_cannot_be_unshelved_but_a_live_one_can():
    alarm, _ = shelve(Alarm(1), timedelta(minutes=1), "ada", T0)
    with pytest.raises(FailedPrecondition) as err:
        unshelve(alarm, "bob", T0 + timedelta(minutes=2))
    assert err.value.reason == "ALERT_NOT_SHELVED"
    alarm, entry = unshelve(alarm, "bob", T0 + timedelta(seconds=30))
    assert state_of(alarm, T0 + timedelta(seconds=30)) is AlarmState.OPEN
    assert (entry.action, entry.operator) == (Action.UNSHELVE, "bob")


def test_shelving_again_reshelves_from_now():
    alarm, _ = shelve(Alarm(1), timedelta(minutes=5), "ada", T0)
    alarm, _ = shelve(alarm, timedelta(minutes=5), "ada", T0 + timedelta(minutes=4))
    assert alarm.shelved_until == T0 + timedelta(minutes=9)


@pytest.mark.parametrize("duration", [timedelta(0), timedelta(seconds=-1), MAX_SHELVE + timedelta(seconds=1)])
def test_a_shelve_duration_outside_its_range_is_an_invalid_duration(duration):
    with pytest.raises(InvalidArgument) as err:
        shelve(Alarm(1), duration, "ada", T0)
    assert err.value.violations[0][0] == "duration"


def test_assigning_needs_an_assignee_and_records_it():
    with pytest.raises(InvalidArgument) as err:
        assign(Alarm(1), "  ", "ada", T0)
    assert err.value.violations[0][0] == "assignee"
    alarm, entry = assign(Alarm(1), " grace ", "ada", T0)
    assert alarm.assignee == entry.assignee == "grace"
    assert entry.operator == "ada"


def test_resolving_records_the_disposition_and_keeps_tags_once_each():
    alarm, entry = resolve(Alarm(1), None, "ada", T0)  # as before dispositions existed
    assert state_of(alarm, T0) is AlarmState.RESOLVED and entry.disposition is None
    with pytest.raises(InvalidArgument) as err:
        resolve(Alarm(1), Disposition.FALSE_ALARM, "ada", T0, tags=("ok", " "))
    assert err.value.violations[0][0] == "tags"
    alarm, entry = resolve(Alarm(1), Disposition.KNOWN_EVENT, "ada", T0, tags=("eclipse", "eclipse", "pass"),
                           comment="eclipse entry")
    assert state_of(alarm, T0) is AlarmState.RESOLVED
    assert entry.disposition is Disposition.KNOWN_EVENT and entry.tags == ("eclipse", "pass")


def test_resolving_a_shelved_alarm_ends_the_shelve():
    alarm, _ = shelve(Alarm(1), timedelta(hours=1), "ada", T0)
    alarm, _ = resolve(alarm, Disposition.TRUE_ANOMALY, "ada", T0)
    assert alarm.shelved_until is None and state_of(alarm, T0) is AlarmState.RESOLVED


@pytest.mark.parametrize("change", [
    lambda a: resolve(a, Disposition.FALSE_ALARM, "bob", T0),
    lambda a: shelve(a, timedelta(minutes=1), "bob", T0),
    lambda a: assign(a, "bob", "bob", T0),
    lambda a: acknowledge(a, "bob", T0),
])
def test_a_resolved_alarm_refuses_every_further_change(change):
    resolved, _ = resolve(Alarm(1), Disposition.TRUE_ANOMALY, "ada", T0)
    with pytest.raises(FailedPrecondition) as err:
        change(resolved)
    assert err.value.reason == "ALERT_RESOLVED"
