"""The writer's limit loop: records of a class with limits raise limit alerts as they arrive; records
of classes without limits are passed over without validating them; invalid records raise nothing."""

from __future__ import annotations

import time
from types import SimpleNamespace

from satmon.telemetry.v1 import events_pb2
from satmon_core.fleet_registry import SatelliteEntry
from satmon_simulator.domain.fleet import FleetData, assign_channels
from satmon_simulator.domain.housekeeping import HousekeepingModel
from satmon_simulator.records import build_record
from satmon_writer.domain.limits import Level
from satmon_writer.entrypoints import kafka_loops
from satmon_writer.entrypoints.kafka_loops import LimitChecker


class _Registry:
    def __init__(self, classes: dict[str, str]) -> None:
        self.classes = classes

    def entry(self, satellite_id: str):
        cls = self.classes.get(satellite_id)
        return SatelliteEntry(satellite_id, cls) if cls else None


class _Store:
    def __init__(self) -> None:
        self.applied = []

    def open_levels(self):
        return []

    def apply(self, events):
        self.applied += events
        return [len(self.applied)]


def _message(record: events_pb2.TelemetryRecord):
    return SimpleNamespace(value=lambda: record.SerializeToString())


def _leo_record(sequence: int, battery_voltage: float) -> events_pb2.TelemetryRecord:
    record = events_pb2.TelemetryRecord(satellite_id="LEO-1", sequence=sequence)
    record.sample_time.FromNanoseconds(time.time_ns() + sequence * 10**9)
    for name, values in (("power", [battery_voltage, 80.0, 100.0, 90.0]), ("thermal", [20.0, 0.0]),
                         ("orbit", [420.0, 7.66, 10.0, 20.0, 0.0])):
        record.frames.add(subsystem=name, features=values)
    return record


def _smap_record() -> events_pb2.TelemetryRecord:
    fleet = FleetData(assign_channels(1))
    return build_record("SAT-001", time.time_ns(), 0, 0, 0, fleet.rows("SAT-001", 0), HousekeepingModel(1).step(0))


def test_a_limited_class_raises_as_records_arrive_and_an_unlimited_class_is_not_validated(monkeypatch):
    validated = []
    real = kafka_loops.registered_record
    monkeypatch.setattr(kafka_loops, "registered_record",
                        lambda record, registry: validated.append(record.satellite_id) or real(record, registry))
    store = _Store()
    checker = LimitChecker(_Registry({"LEO-1": "leo_demo", "SAT-001": "smap"}), store)
    checker([_message(_smap_record()), _message(_leo_record(0, 3.9)), _message(_leo_record(1, 3.2))])
    assert validated == ["LEO-1", "LEO-1"]  # SMAP declares no limits: its record is not even validated
    assert [(e.kind, e.parameter, e.level, e.value) for e in store.applied] == [
        ("raised", "battery_voltage", Level.CRITICAL, 3.200000047683716)]


def test_an_invalid_record_of_a_limited_class_raises_nothing():
    store = _Store()
    damaged = _leo_record(0, 3.2)
    damaged.frames.pop()  # a subsystem missing: the router dead-letters it, the limit loop skips it
    LimitChecker(_Registry({"LEO-1": "leo_demo"}), store)([_message(damaged)])
    assert store.applied == []
