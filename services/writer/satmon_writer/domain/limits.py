"""Limit checking: each parameter with yellow/red limits in its class's mission database entry,
checked record by record, turned into limit-alert transitions.

A parameter is normal inside its yellow limits, at warning beyond a yellow limit, at critical
beyond a red one. A change of level is what an operator hears about:

    normal -> warning/critical     raised   (a new limit alert)
    warning <-> critical           changed  (the open alert escalates or eases; the worst level stays)
    warning/critical -> normal     cleared  (the alert closes)

Records older than the last one seen for a parameter are skipped (a redelivered batch after a
restart or a rebalance), so a transition is never reported twice by one monitor; the store's
unique open alert per parameter absorbs a repeat from a monitor that started afresh.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import IntEnum

from satmon_mdb import SubsystemView
from satmon_mdb.schema import Limits

__all__ = ["Level", "LimitEvent", "LimitMonitor", "level_of"]


class Level(IntEnum):
    NORMAL = 0
    WARNING = 1
    CRITICAL = 2


def level_of(value: float, limits: Limits) -> tuple[Level, float | None]:
    """The value's level and the limit it crossed (None when normal)."""
    if limits.red_low is not None and value < limits.red_low:
        return Level.CRITICAL, limits.red_low
    if limits.red_high is not None and value > limits.red_high:
        return Level.CRITICAL, limits.red_high
    if limits.yellow_low is not None and value < limits.yellow_low:
        return Level.WARNING, limits.yellow_low
    if limits.yellow_high is not None and value > limits.yellow_high:
        return Level.WARNING, limits.yellow_high
    return Level.NORMAL, None


@dataclass(frozen=True)
class LimitEvent:
    kind: str  # "raised", "changed" or "cleared"
    satellite_id: str
    subsystem: str
    parameter: str
    level: Level
    limit: float | None
    value: float
    time_ns: int
    sequence: int


ParameterKey = tuple[str, str, str]  # satellite, subsystem, parameter


@dataclass
class LimitMonitor:
    levels: dict[ParameterKey, Level] = field(default_factory=dict)
    last_time: dict[ParameterKey, int] = field(default_factory=dict)
    # class -> its subsystems that have limited parameters, by name (most classes' records have none:
    # one dict lookup per record, not a walk over the subsystems)
    limited: dict[str, dict[str, SubsystemView]] = field(default_factory=dict)

    def seed(self, open_alerts: Iterable[tuple[ParameterKey, Level]]) -> None:
        """Levels of the limit alerts the store holds open, so a restart clears them when due."""
        self.levels = dict(open_alerts)
        self.last_time.clear()

    def check(self, satellite_id: str, time_ns: int, sequence: int, frames, subsystems: Sequence[SubsystemView]
              ) -> list[LimitEvent]:
        """Transitions this record causes; `frames` are the record's frames (subsystem, values)."""
        events: list[LimitEvent] = []
        spacecraft_class = subsystems[0].spacecraft_class
        by_name = self.limited.get(spacecraft_class)
        if by_name is None:
            by_name = self.limited[spacecraft_class] = {view.name: view for view in subsystems if view.limited}
        if not by_name:
            return events
        for frame in frames:
            view = by_name.get(frame.subsystem)
            if view is None:
                continue
            for index, parameter in view.limited:
                key = (satellite_id, view.name, parameter.name)
                if time_ns <= self.last_time.get(key, -1):
                    continue
                self.last_time[key] = time_ns
                value = frame.features[index]
                level, limit = level_of(value, parameter.limits)
                before = self.levels.get(key, Level.NORMAL)
                if level == before:
                    continue
                kind = "raised" if before == Level.NORMAL else "cleared" if level == Level.NORMAL else "changed"
                events.append(LimitEvent(kind, satellite_id, view.name, parameter.name, level, limit, value,
                                         time_ns, sequence))
                if level == Level.NORMAL:
                    self.levels.pop(key, None)
                else:
                    self.levels[key] = level
        return events
