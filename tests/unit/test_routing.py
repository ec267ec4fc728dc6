"""The router's split: each frame becomes one subsystem sample carrying what the record shares."""

from __future__ import annotations

import pytest

from satmon.telemetry.v1 import events_pb2, telemetry_pb2
from satmon_router.domain.routing import SampleBatches, split_record


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


def test_the_record_trace_context_travels_in_each_sample():
    context = {"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}
    for _, payload in split_record(_record(True), {"acs": "A", "eps": "E", "tcs": "T"}, "smap", context):
        assert dict(events_pb2.SubsystemSample.FromString(payload).trace_context) == context


def test_batches_gather_samples_per_topic_partition_in_order_and_parse_as_a_sample_batch():
    def sample(sat: str, sequence: int, width: int) -> bytes:  # widths give 1-, 2- and 3-byte lengths
        return events_pb2.SubsystemSample(satellite_id=sat, sequence=sequence, frame=telemetry_pb2.SubsystemFrame(
            subsystem="acs", features=[0.5] * width)).SerializeToString()

    batches, added = SampleBatches(), {}
    for i, (topic, partition, width) in enumerate([("t.acs", 0, 1), ("t.acs", 3, 40), ("t.eps", 0, 5000),
                                                   ("t.acs", 0, 2), ("t.acs", 3, 1)]):
        payload = sample(f"SAT-{i}", i, width)
        batches.add(topic, partition, payload)
        added.setdefault((topic, partition), []).append(payload)
    assert len(batches) == 5
    encoded = batches.encoded()
    assert sorted((topic, partition) for topic, partition, _ in encoded) == sorted(added)
    for topic, partition, value in encoded:
        parsed = events_pb2.SubsystemSampleBatch.FromString(value).samples
        assert [s.SerializeToString() for s in parsed] == added[(topic, partition)]


def test_a_gathering_larger_than_a_message_may_be_is_cut_in_order():
    batches = SampleBatches()
    payloads = [events_pb2.SubsystemSample(satellite_id=f"SAT-{i}", sequence=i).SerializeToString() for i in range(50)]
    for payload in payloads:
        batches.add("t.acs", 2, payload)
    encoded = batches.encoded(max_bytes=100)
    assert len(encoded) > 1 and all(len(value) <= 100 for _, _, value in encoded)
    parsed = [s.SerializeToString() for _, _, value in encoded
              for s in events_pb2.SubsystemSampleBatch.FromString(value).samples]
    assert parsed == payloads
