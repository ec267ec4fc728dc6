"""Limit checking: the mission database's yellow/red limits turned into limit-alert transitions."""

from __future__ import annotations

import textwrap
from types import SimpleNamespace

from satmon_mdb import MissionDatabase
from satmon_writer.domain.limits import Level, LimitMonitor, level_of

CLASS = textwrap.dedent("""\
    name: bus
    display_name: Bus
    subsystems:
      - name: power
        display_name: Power
        model: BUS_power
        parameters:
          - {name: battery_voltage, unit: V, limits: {red_low: 6.0, yellow_low: 6.5, yellow_high: 8.3, red_high: 8.5}}
          - {name: load_current, unit: A}
    """)


def subsystems(tmp_path):
    (tmp_path / "bus.yaml").write_text(CLASS)
    return MissionDatabase.load(tmp_path).subsystems("bus")


def frames(voltage: float):
    return [SimpleNamespace(subsystem="power", features=[voltage, 1.0])]


def test_levels_follow_the_limits():
    from satmon_mdb.schema import Limits
    bounds = Limits(red_low=6.0, yellow_low=6.5, yellow_high=8.3, red_high=8.5)
    assert level_of(7.0, bounds) == (Level.NORMAL, None)
    assert level_of(6.4, bounds) == (Level.WARNING, 6.5)
    assert level_of(5.9, bounds) == (Level.CRITICAL, 6.0)
    assert level_of(8.4, bounds) == (Level.WARNING, 8.3)
    assert level_of(8.6, bounds) == (Level.CRITICAL, 8.5)


def test_a_limit_alert_is_raised_escalated_and_cleared_once_each(tmp_path):
    views = subsystems(tmp_path)
    monitor = LimitMonitor()
    voltages = [7.0, 6.4, 6.3, 5.9, 6.4, 7.1, 7.2]
    events = [e for t, v in enumerate(voltages) for e in monitor.check("SAT-1", t + 1, t, frames(v), views)]
    assert [(e.kind, e.level, e.limit, e.value, e.sequence) for e in events] == [
        ("raised", Level.WARNING, 6.5, 6.4, 1), ("changed", Level.CRITICAL, 6.0, 5.9, 3),
        ("changed", Level.WARNING, 6.5, 6.4, 4), ("cleared", Level.NORMAL, None, 7.1, 5)]
    assert all(e.parameter == "battery_voltage" and e.subsystem == "power" for e in events)


def test_a_redelivered_record_raises_nothing_twice(tmp_path):
    views = subsystems(tmp_path)
    monitor = LimitMonitor()
    assert len(monitor.check("SAT-1", 10, 0, frames(5.0), views)) == 1
    assert monitor.check("SAT-1", 10, 0, frames(5.0), views) == []
    assert monitor.check("SAT-1", 9, 0, frames(7.0), views) == []  # older: already decided


def test_a_restarted_monitor_clears_what_the_store_holds_open(tmp_path):
    views = subsystems(tmp_path)
    monitor = LimitMonitor()
    monitor.seed([(("SAT-1", "power", "battery_voltage"), Level.CRITICAL)])
    (event,) = monitor.check("SAT-1", 20, 5, frames(7.0), views)
    assert event.kind == "cleared"
    assert monitor.check("SAT-2", 20, 5, frames(7.0), views) == []  # nothing was open there
