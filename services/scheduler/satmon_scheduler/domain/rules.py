"""Housekeeping rule triggers, fired on the rising edge of each condition.

The rules are declared in the mission database (`rules:` of a class file); SMAP's are the design
documents' three:

    battery_soc<30    battery state of charge below 30 %
    obc_temp<-30      on-board computer colder than -30 C
    obc_temp>50       on-board computer hotter than 50 C
    thruster_active   a thruster is firing

A condition that stays true fires once; it must clear before it fires again.
The first sample seen for a satellite only seeds the state (after a restart
we cannot know whether the condition was already true); so does a sample
older than the last one seen, which means the stream was replayed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from satmon_mdb import DEFAULT_CLASS, load_mission_database
from satmon_mdb.schema import Rule

__all__ = ["RuleEngine", "conditions"]

Condition = Callable[[object], bool]


def _condition(rule: Rule) -> Condition:
    name = rule.parameter
    if rule.below is not None:
        return lambda hk, limit=rule.below: getattr(hk, name) < limit
    if rule.above is not None:
        return lambda hk, limit=rule.above: getattr(hk, name) > limit
    return lambda hk, wanted=rule.is_true: bool(getattr(hk, name)) is wanted


def conditions(rules: Sequence[Rule]) -> dict[str, Condition]:
    """Rule name -> a test of one sample's housekeeping."""
    return {rule.name: _condition(rule) for rule in rules}


class RuleEngine:
    def __init__(self, rules: dict[str, Condition] | None = None) -> None:
        # The default class's rules unless told otherwise.
        self.rules = rules if rules is not None else conditions(
            load_mission_database().spacecraft_class(DEFAULT_CLASS).rules)
        self.state: dict[str, dict[str, bool]] = {}
        self.last_time: dict[str, int] = {}

    def evaluate(self, satellite_id: str, time_ns: int, housekeeping) -> list[str]:
        """Rules whose condition became true at this sample."""
        last = self.last_time.get(satellite_id, -1)
        if time_ns == last:
            return []  # the same sample again
        previous = self.state.get(satellite_id) if time_ns > last else None  # older: a replay, seed anew
        self.last_time[satellite_id] = time_ns
        current = {name: rule(housekeeping) for name, rule in self.rules.items()}
        self.state[satellite_id] = current
        if previous is None:
            return []
        return [name for name, active in current.items() if active and not previous[name]]

    def forget(self, satellite_ids: Iterable[str]) -> None:
        """Satellites another scheduler now watches: seeded afresh if they come back."""
        for sat in satellite_ids:
            self.state.pop(sat, None)
            self.last_time.pop(sat, None)
