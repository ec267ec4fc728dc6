"""The writer's telemetry lines, read and formatted by the compiled satmon_native, checked against
values computed here from the Python protobuf bindings (generated from the same .proto files, so a
field the crate declares with another number or type fails here)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from satmon.telemetry.v1.events_pb2 import SubsystemSample, SubsystemSampleBatch
from satmon.telemetry.v1.telemetry_pb2 import Housekeeping, Position, SubsystemFrame
from satmon_mdb import DEFAULT_CLASS, load_mission_database
from satmon_writer.domain.samples import HOUSEKEEPING_METRICS, batch_error, telemetry_series
from satmon_writer.entrypoints.kafka_loops import TelemetryWriter

# Values whose text takes each of the float formatter's turns: exponents both ways, the smallest
# and largest float32, a negative zero, integers, and a float32 that is not a short decimal.
AWKWARD = [1e-7, -0.0, 3.4028234663852886e38, 1.401298464324817e-45, 0.1, 1.0, -2.5, 123456.789, 1e20, 7e-5]


def _sample(sat: str, seconds: int, subsystem: str, features: list[float], spacecraft_class: str = DEFAULT_CLASS,
            housekeeping: Housekeeping | None = None) -> SubsystemSample:
    sample = SubsystemSample(satellite_id=sat, sequence=seconds, spacecraft_class=spacecraft_class,
                             frame=SubsystemFrame(subsystem=subsystem, features=features), model_name="m",
                             trace_context={"traceparent": "00-" + "1" * 32 + "-" + "2" * 16 + "-01"})
    sample.sample_time.FromNanoseconds(seconds * 1_000_000_000 + 123_456_789)
    if housekeeping is not None:
        sample.housekeeping.CopyFrom(housekeeping)
    return sample


def _batch(*samples: SubsystemSample) -> bytes:
    return SubsystemSampleBatch(samples=samples).SerializeToString()


def _by_series(lines: list[str]) -> dict[tuple, dict]:
    parsed = [json.loads(line) for line in lines]
    return {tuple(sorted(line["metric"].items())): line for line in parsed}


def _subsystems() -> list[str]:
    return [view.name for view in load_mission_database().subsystems(DEFAULT_CLASS)]


def test_values_are_the_float32_values_exactly_and_times_are_milliseconds():
    first, second = _subsystems()[:2]
    width = load_mission_database().subsystem(DEFAULT_CLASS, second).width
    features = (AWKWARD * 3)[:width]
    lines = telemetry_series([_batch(_sample("SAT-9", 100, second, features)),
                              _batch(_sample("SAT-9", 101, second, features[::-1]))])
    assert len(lines) == width  # no housekeeping: none was sent
    series = _by_series(lines)
    for i in range(width):
        [line] = [line for key, line in series.items() if line["metric"].get("feature_index") == str(i)]
        assert line["metric"]["subsystem"] == second and line["metric"]["satellite_id"] == "SAT-9"
        assert line["values"] == [float(np.float32(features[i])), float(np.float32(features[::-1][i]))]
        assert line["timestamps"] == [100_123, 101_123]


def test_housekeeping_is_every_metric_from_the_first_subsystem_only():
    first, second = _subsystems()[:2]
    hk = Housekeeping(battery_voltage_v=3.7, battery_soc_percent=81.25, obc_temperature_c=-12.5, solar_power_w=0.0,
                      power_consumption_w=42.125, thruster_active=True, in_eclipse=True,
                      position=Position(latitude_deg=-51.5, longitude_deg=179.9, altitude_km=420.0, velocity_km_s=7.66))
    width = load_mission_database().subsystem(DEFAULT_CLASS, first).width
    lines = telemetry_series([_batch(_sample("SAT-1", 5, second, [0.0] * width, housekeeping=hk),
                                     _sample("SAT-1", 5, first, [0.0] * width, housekeeping=hk))])
    series = _by_series(lines)
    for metric, field in HOUSEKEEPING_METRICS.items():
        line = series[(("__name__", metric), ("satellite_id", "SAT-1"))]
        message = hk
        for part in field.split("."):
            message = getattr(message, part)
        assert line["values"] == [float(message)], metric
        assert line["timestamps"] == [5_123]


def test_a_sample_without_a_class_is_of_the_default_class():
    subsystem = _subsystems()[0]
    width = load_mission_database().subsystem(DEFAULT_CLASS, subsystem).width
    with_class = telemetry_series([_batch(_sample("SAT-2", 1, subsystem, [0.5] * width))])
    without = telemetry_series([_batch(_sample("SAT-2", 1, subsystem, [0.5] * width, spacecraft_class=""))])
    assert with_class == without


def test_an_undecodable_batch_is_named_and_refused():
    assert batch_error(_batch(_sample("SAT-3", 1, _subsystems()[0], [1.0]))) is None
    assert batch_error(b"\x0a\xff\xff") is not None
    with pytest.raises(ValueError):
        telemetry_series([b"\x0a\xff\xff"])


class _Message:
    def __init__(self, value: bytes) -> None:
        self._value = value

    def value(self) -> bytes:
        return self._value


class _VictoriaMetrics:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def import_series(self, lines: list[str]) -> None:
        self.lines += lines


def test_the_telemetry_loop_dead_letters_an_undecodable_message_and_stores_the_rest():
    subsystem = _subsystems()[0]
    width = load_mission_database().subsystem(DEFAULT_CLASS, subsystem).width
    vm = _VictoriaMetrics()
    good, bad = _Message(_batch(_sample("SAT-4", 1, subsystem, [0.25] * width))), _Message(b"\x0a\xff\xff")
    [rejected] = TelemetryWriter(vm)([good, bad])
    assert rejected.message is bad and rejected.reason == "undecodable"
    assert len(vm.lines) == width and all(json.loads(line)["values"] == [0.25] for line in vm.lines)
