"""Housekeeping rule triggers, fired on the rising edge of each condition.

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

from collections.abc import Callable, Iterable

__all__ = ["RULES", "RuleEngine"]

RULES: dict[str, Callable[[object], bool]] = {
    "battery_soc<30": lambda hk: hk.battery_soc_percent < 30.0,
    "obc_temp<-30": lambda hk: hk.obc_temperature_c < -30.0,
    "obc_temp>50": lambda hk: hk.obc_temperature_c > 50.0,
    "thruster_active": lambda hk: bool(hk.thruster_active),
}


class RuleEngine:
    def __init__(self) -> None:
        self.state: dict[str, dict[str, bool]] = {}
        self.last_time: dict[str, int] = {}

    def evaluate(self, satellite_id: str, time_ns: int, housekeeping) -> list[str]:
        """Rules whose condition became true at this sample."""
        last = self.last_time.get(satellite_id, -1)
        if time_ns == last:
            return []  # the same sample again
        previous = self.state.get(satellite_id) if time_ns > last else None  # older: a replay, seed anew
        self.last_time[satellite_id] = time_ns
        current = {name: rule(housekeeping) for name, rule in RULES.items()}
        self.state[satellite_id] = current
        if previous is None:
            return []
        return [name for name, active in current.items() if active and not previous[name]]

    def forget(self, satellite_ids: Iterable[str]) -> None:
        """Satellites another scheduler now watches: seeded afresh if they come back."""
        for sat in satellite_ids:
            self.state.pop(sat, None)
            self.last_time.pop(sat, None)
