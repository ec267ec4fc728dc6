from __future__ import annotations

import math
import time

import pytest

from satmon_core.errors import InvalidRecordError
from satmon_core.validation import decode_record, validate_record
from satmon_simulator.domain.fleet import FleetData, assign_channels
from satmon_simulator.domain.housekeeping import HousekeepingModel, Override
from satmon_simulator.records import build_record
import json

from satmon.telemetry.v1.events_pb2 import SubsystemSample, SubsystemSampleBatch
from satmon_mdb import DEFAULT_CLASS
from satmon_router.domain.routing import split_record
from satmon_writer.domain.samples import telemetry_series


def record(sat="SAT-001"):
    fleet = FleetData(assign_channels(1))
    return build_record(sat, time.time_ns(), 0, 0, 0, fleet.rows("SAT-001", 0), HousekeepingModel(1).step(0))


def test_channel_assignment_is_deterministic_per_family():
    assignment = assign_channels(5)
    assert assignment["SAT-001"] == {"acs": "A-1", "data": "D-1", "eps": "E-1", "fsw": "F-1", "ps": "P-1",
                                     "ss": "S-1", "tcs": "T-1"}
    assert assignment["SAT-002"]["acs"] == "A-2" and assignment["SAT-002"]["ss"] == "S-1"
    assert sum(len(m) for m in assignment.values()) == 35


def test_housekeeping_stays_in_physical_ranges_over_an_orbit():
    model = HousekeepingModel(3)
    states = [model.step(t) for t in range(0, 6000, 10)]
    assert all(400 <= s.altitude_km <= 450 and 7.6 <= s.velocity_km_s <= 7.8 for s in states)
    assert all(abs(s.latitude_deg) <= 51.7 and -180 <= s.longitude_deg <= 180 for s in states)
    assert all(0 <= s.solar_power_w <= 100 and 3.0 <= s.battery_voltage_v <= 4.2 for s in states)
    assert all(-50 <= s.obc_temperature_c <= 50 for s in states)
    assert any(s.in_eclipse for s in states) and any(not s.in_eclipse for s in states)
    assert any(s.thruster_active for s in states)


def test_overrides_force_rule_conditions():
    model = HousekeepingModel(1, (Override("low_battery", 10), Override("hot_obc", 20)))
    states = {t: model.step(t) for t in range(30)}
    assert states[10].battery_soc_percent < 30 and states[9].battery_soc_percent > 30
    assert states[20].obc_temperature_c > 50


@pytest.mark.parametrize("mutate,reason", [
    (lambda r: r.frames[1].features.append(0.0), "wrong_vector_length"),
    (lambda r: r.frames[0].features.__setitem__(0, math.nan), "non_finite_value"),
    (lambda r: r.ClearField("satellite_id"), "missing_satellite_id"),
    (lambda r: r.frames.pop(), "missing_subsystem"),
])
def test_invalid_records_are_named(mutate, reason):
    r = record()
    mutate(r)
    with pytest.raises(InvalidRecordError) as info:
        validate_record(r)
    assert info.value.reason == reason


def test_undecodable_bytes():
    with pytest.raises(InvalidRecordError) as info:
        decode_record(b"\xff\xff\xff")
    assert info.value.reason == "undecodable"


def samples(*records) -> list[list[SubsystemSample]]:
    """The records as the router routes them: one SubsystemSample per frame (what the writer stores)."""
    models = {frame.subsystem: f"SMAP_{frame.subsystem}" for frame in records[0].frames}
    return [[SubsystemSample.FromString(b) for _, b in split_record(r, models, DEFAULT_CLASS)] for r in records]


def batches(groups: list[list[SubsystemSample]]) -> list[bytes]:
    """Each group of samples as one serialized SubsystemSampleBatch (a message on a subsystem topic)."""
    return [SubsystemSampleBatch(samples=group).SerializeToString() for group in groups]


def test_telemetry_series_use_the_operators_metric_names():
    lines = [json.loads(line) for line in telemetry_series(batches(samples(record())))]
    assert len(lines) == 7 * 25 + 10
    assert lines[0]["metric"] == {"__name__": "smap_feature", "satellite_id": "SAT-001", "subsystem": "acs",
                                  "feature_index": "0"}
    names = {line["metric"]["__name__"] for line in lines}
    assert {"satellite_temperature", "satellite_battery_soc_percent", "satellite_velocity",
            "satellite_power_consumption", "satellite_thruster_active"} <= names


def test_telemetry_series_carry_each_series_once_with_every_sample_of_the_batch():
    first, second, other = record(), record(), record("SAT-002")
    second.sample_time.FromMilliseconds(first.sample_time.ToMilliseconds() + 1000)
    second.frames[0].features[3] = 0.25
    lines = [json.loads(line) for line in telemetry_series(batches(samples(first, other, second)))]
    assert len(lines) == 2 * (7 * 25 + 10)  # two satellites' series, each once
    by_series = {tuple(sorted(line["metric"].items())): line for line in lines}
    acs3 = by_series[tuple(sorted({"__name__": "smap_feature", "satellite_id": "SAT-001", "subsystem": "acs",
                                   "feature_index": "3"}.items()))]
    times = [first.sample_time.ToMilliseconds(), second.sample_time.ToMilliseconds()]
    assert acs3["timestamps"] == times
    assert acs3["values"] == [first.frames[0].features[3], 0.25]  # the float32 values exactly, in record order
    temperature = by_series[(("__name__", "satellite_temperature"), ("satellite_id", "SAT-001"))]
    # Each of a record's seven samples carries its housekeeping; it is stored once.
    assert temperature["values"] == [first.housekeeping.obc_temperature_c, second.housekeeping.obc_temperature_c]
    assert temperature["timestamps"] == times


def test_housekeeping_is_stored_once_per_record_whichever_samples_a_batch_holds():
    first, second = record(), record()
    second.sample_time.FromMilliseconds(first.sample_time.ToMilliseconds() + 1000)
    routed = samples(first, second)
    # The batch holds the first record's last six samples and the second's first: each record's
    # housekeeping rides on its first subsystem's sample, so only the second record's is here.
    lines = [json.loads(line) for line in telemetry_series(batches([routed[0][1:], routed[1][:1]]))]
    [temperature] = [line for line in lines if line["metric"]["__name__"] == "satellite_temperature"]
    assert temperature["timestamps"] == [second.sample_time.ToMilliseconds()]


def test_labelled_records_follow_the_replay_through_wraps_and_clipping():
    from satmon_simulator.domain.ground_truth import labelled_records

    labels = ((10, 19), (50, 59))
    assert labelled_records(labels, 100, 0, 100) == [(10, 19), (50, 59)]
    assert labelled_records(labels, 100, 15, 40) == [(0, 4), (35, 39)]     # starts inside the first label
    assert labelled_records(labels, 100, 55, 70) == [(0, 4), (55, 64)]     # wraps into the next pass
    assert labelled_records(labels, 100, 60, 30) == []


class _Producer:
    """Collects what replay() produces; every message is acknowledged."""

    def __init__(self) -> None:
        self.records = []

    def produce(self, topic, key, value, headers=None, on_delivery=None):
        from satmon.telemetry.v1 import events_pb2

        self.records.append(events_pb2.TelemetryRecord.FromString(value))

    def poll(self, timeout):
        return 0

    def flush(self, timeout=None):
        return 0

    def __len__(self) -> int:
        return 0


def test_a_staggered_fleet_starts_each_stream_at_record_zero_a_few_seconds_apart():
    from satmon_simulator.replay import ReplayPlan, replay

    producer = _Producer()
    base_ns = 1_700_000_000 * 10**9
    produced = replay(ReplayPlan(3, 1.0, 12, 1000.0, 1, base_time_ns=base_ns, stagger=2), producer, "raw")
    by_sat = {}
    for record in producer.records:
        by_sat.setdefault(record.satellite_id, []).append(record)
    assert produced == 12 + 11 + 12
    for k, (sat, records) in enumerate(sorted(by_sat.items())):
        assert [r.sequence for r in records] == list(range(len(records)))
        assert records[0].sample_time.ToNanoseconds() == base_ns + (k % 2) * 10**9
