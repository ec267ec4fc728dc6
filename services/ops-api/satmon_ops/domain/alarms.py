"""The alarm lifecycle operators know (Yamcs' alarm terms, ISA-18.2), as pure rules.

States an operator sees, in the order they take precedence:

    resolved      an operator resolved it with a disposition; final
    shelved       hidden from the default open list until `shelved_until` (or an unshelve)
    acknowledged  an operator has seen it
    open          raised and not yet seen

Shelving is for a duration; it ends by itself once the clock passes `shelved_until` (there is no
job that unshelves: the state is computed from the clock, so an expired shelve can never be
missed or applied twice). Every change is a `HistoryEntry` with the acting operator and time;
the store appends it beside the new state in one transaction.

Rules (each violation names the request field, or the state that forbids it):
- shelve: duration within (0, MAX_SHELVE]; not on a resolved alert. Shelving a shelved alert
  re-shelves it from now (Yamcs does the same).
- unshelve: only a shelved alert (an expired shelve is no longer shelved).
- assign: a non-empty assignee; not on a resolved alert.
- resolve: once only; with a disposition (optional, as resolutions before dispositions existed
  had none) and tags, none empty.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from satmon_core.errors import FailedPrecondition, InvalidArgument

__all__ = ["AlarmState", "Disposition", "Action", "Alarm", "HistoryEntry", "MAX_SHELVE", "state_of", "shelve",
           "unshelve", "assign", "resolve", "acknowledge"]

MAX_SHELVE = timedelta(days=7)  # longer than a week is not shelving, it is disabling the alarm


class AlarmState(enum.Enum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    SHELVED = "shelved"
    RESOLVED = "resolved"


class Disposition(enum.Enum):
    """What the operator concluded when resolving (AlertDisposition in the proto)."""

    TRUE_ANOMALY = "true_anomaly"
    FALSE_ALARM = "false_alarm"
    KNOWN_EVENT = "known_event"


class Action(enum.Enum):
    ACKNOWLEDGE = "acknowledge"
    SHELVE = "shelve"
    UNSHELVE = "unshelve"
    ASSIGN = "assign"
    RESOLVE = "resolve"


@dataclass(frozen=True)
class Alarm:
    """What the lifecycle needs of an alert; the detector's own fields live elsewhere."""

    alert_id: int
    acknowledged: bool = False
    shelved_until: datetime | None = None
    assignee: str = ""
    resolved: bool = False
    disposition: Disposition | None = None
    tags: tuple[str, ...] = ()
    comment: str = ""


@dataclass(frozen=True)
class HistoryEntry:
    """One change: who did what, when, with the values it set."""

    alert_id: int
    action: Action
    operator: str
    time: datetime
    comment: str = ""
    shelved_until: datetime | None = None
    assignee: str = ""
    disposition: Disposition | None = None
    tags: tuple[str, ...] = field(default=())


def state_of(alarm: Alarm, now: datetime) -> AlarmState:
    """The state at `now`: a shelve past its end has expired on its own."""
    if alarm.resolved:
        return AlarmState.RESOLVED
    if alarm.shelved_until is not None and now < alarm.shelved_until:
        return AlarmState.SHELVED
    return AlarmState.ACKNOWLEDGED if alarm.acknowledged else AlarmState.OPEN


def _not_resolved(alarm: Alarm, now: datetime, action: Action) -> None:
    if state_of(alarm, now) is AlarmState.RESOLVED:
        raise FailedPrecondition("ALERT_RESOLVED", f"alert {alarm.alert_id} is resolved; cannot {action.value} it",
                                 alert_id=str(alarm.alert_id))


def acknowledge(alarm: Alarm, operator: str, now: datetime, comment: str = "") -> tuple[Alarm, HistoryEntry]:
    _not_resolved(alarm, now, Action.ACKNOWLEDGE)
    return (replace(alarm, acknowledged=True),
            HistoryEntry(alarm.alert_id, Action.ACKNOWLEDGE, operator, now, comment=comment))


def shelve(alarm: Alarm, duration: timedelta, operator: str, now: datetime,
           comment: str = "") -> tuple[Alarm, HistoryEntry]:
    if duration <= timedelta(0) or duration > MAX_SHELVE:
        raise InvalidArgument("duration", f"must be more than 0 s and at most {int(MAX_SHELVE.total_seconds())} s")
    _not_resolved(alarm, now, Action.SHELVE)
    until = now + duration
    return (replace(alarm, shelved_until=until),
            HistoryEntry(alarm.alert_id, Action.SHELVE, operator, now, comment=comment, shelved_until=until))


def unshelve(alarm: Alarm, operator: str, now: datetime, comment: str = "") -> tuple[Alarm, HistoryEntry]:
    if state_of(alarm, now) is not AlarmState.SHELVED:
        raise FailedPrecondition("ALERT_NOT_SHELVED", f"alert {alarm.alert_id} is not shelved",
                                 alert_id=str(alarm.alert_id))
    return (replace(alarm, shelved_until=None),
            HistoryEntry(alarm.alert_id, Action.UNSHELVE, operator, now, comment=comment))


def assign(alarm: Alarm, assignee: str, operator: str, now: datetime, comment: str = "") -> tuple[Alarm, HistoryEntry]:
    assignee = assignee.strip()
    if not assignee:
        raise InvalidArgument("assignee", "must name an operator")
    _not_resolved(alarm, now, Action.ASSIGN)
    return (replace(alarm, assignee=assignee),
            HistoryEntry(alarm.alert_id, Action.ASSIGN, operator, now, comment=comment, assignee=assignee))


def resolve(alarm: Alarm, disposition: Disposition | None, operator: str, now: datetime, tags: tuple[str, ...] = (),
            comment: str = "") -> tuple[Alarm, HistoryEntry]:
    clean = tuple(dict.fromkeys(t.strip() for t in tags))  # order kept, duplicates dropped
    if "" in clean:
        raise InvalidArgument("tags", "a tag must not be empty")
    _not_resolved(alarm, now, Action.RESOLVE)
    # Resolving ends a shelve: a resolved alarm is out of every list that hides shelved ones anyway.
    return (replace(alarm, resolved=True, disposition=disposition, tags=clean, comment=comment, shelved_until=None),
            HistoryEntry(alarm.alert_id, Action.RESOLVE, operator, now, comment=comment, disposition=disposition,
                         tags=clean))
