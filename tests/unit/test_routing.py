"""The router's split: each frame becomes one subsystem sample carrying what the record shares."""

from __future__ import annotations

import pytest

from satmon.telemetry.v1 import events_pb2, telemetry_pb2
from satmon_router.domain.routing import split_record


def _record(housekeeping: bool) -> events_pb2.TelemetryRecord:
    record = events_pb2.TelemetryRecord(
        satellite_id="SAT-0007", sequence=41, record_index=1841,
        frames=[telemetry_pb2.SubsystemFrame(subsystem=name, features=[i + 0.25, -i * 1e-7, 3.0e38])
                for i, name in enumerate(("acs", "eps", "tcs"))])
    record.sample_time.FromNanoseconds(1_733_000_000_123_456_789)
    if housekeeping:
        record.housekeeping.battery_soc_percent = 81.5
        record.housekeeping.thruster_active = True
    return record


@pytest.mark.parametrize("housekeeping", [True, False])
def test_each_frame_is_a_sample_that_parses_as_if_built_field_by_field(housekeeping):
    record = _record(housekeeping)
    models = {"acs": "SMAP_A-1", "eps": "SMAP_E-1", "tcs": "SMAP_T-1"}
    split = split_record(record, models, "smap")
    assert [name for name, _ in split] == ["acs", "eps", "tcs"]
    for (name, payload), frame in zip(split, record.frames):
        expected = events_pb2.SubsystemSample(
            satellite_id="SAT-0007", sample_time=record.sample_time, sequence=41, record_index=1841, frame=frame,
            model_name=models[name], spacecraft_class="smap",
            housekeeping=record.housekeeping if housekeeping else None)
        assert events_pb2.SubsystemSample.FromString(payload) == expected
        assert events_pb2.SubsystemSample.FromString(payload).HasField("housekeeping") == housekeeping
