"""The scheduler's samples as satmon_native reads them from a batch's bytes, against the same samples
read through the Python protobuf bindings (Sample.of)."""

from __future__ import annotations

import pytest

from satmon.telemetry.v1.events_pb2 import SubsystemSample, SubsystemSampleBatch
from satmon.telemetry.v1.telemetry_pb2 import Housekeeping, SubsystemFrame
from satmon_scheduler.domain.samples import Sample, samples_of

AWKWARD = [1e-7, -0.0, 3.4028234663852886e38, 1.401298464324817e-45, 0.1, -2.5, 123456.789]


def _samples() -> list[SubsystemSample]:
    full = SubsystemSample(satellite_id="SAT-7", sequence=2**40 + 3, record_index=9, model_name="SMAP_A-1",
                           spacecraft_class="smap", frame=SubsystemFrame(subsystem="acs", features=AWKWARD),
                           housekeeping=Housekeeping(battery_soc_percent=12.5, thruster_active=True),
                           trace_context={"traceparent": "00-" + "3" * 32 + "-" + "4" * 16 + "-01"})
    full.sample_time.FromNanoseconds(1_700_000_123_456_789_012)
    bare = SubsystemSample(satellite_id="SAT-8", frame=SubsystemFrame(subsystem="eps"))  # no class, time, values
    no_frame = SubsystemSample(satellite_id="SAT-9", sequence=1)
    return [full, bare, no_frame]


def test_every_field_is_the_one_the_protobuf_bindings_read():
    messages = _samples()
    read = samples_of(SubsystemSampleBatch(samples=messages).SerializeToString())
    assert len(read) == len(messages)
    for got, message in zip(read, messages):
        expected = Sample.of(message)
        assert got[:6] == expected[:6]
        assert got.message() == message  # housekeeping and trace context, from the same bytes


def test_an_undecodable_batch_raises_value_error():
    with pytest.raises(ValueError):
        samples_of(b"\x0a\xff\xff")
    assert samples_of(b"") == []


class _Message:
    def __init__(self, topic: str, value: bytes, offset: int) -> None:
        self._topic, self._value, self._offset = topic, value, offset

    def topic(self) -> str:
        return self._topic

    def value(self) -> bytes:
        return self._value

    def partition(self) -> int:
        return 0

    def offset(self) -> int:
        return self._offset


class _Queue:
    def __init__(self) -> None:
        self.sent: list = []

    def send(self, pending: list) -> None:
        self.sent += pending
        pending.clear()


def test_the_consume_loop_dead_letters_an_undecodable_message_and_windows_the_rest(monkeypatch):
    from satmon_core.config import load_settings
    from satmon_scheduler.domain.scheduler import StreamScheduler
    from satmon_scheduler.domain.windows import WindowSpec
    from satmon_scheduler.entrypoints.kafka_loop import SchedulerHandler

    for name, value in (("SATMON_KAFKA_BOOTSTRAP", "unused:9092"), ("SATMON_AMQP_URL", "amqp://unused"),
                        ("SATMON_PG_DSN", "postgresql://unused"), ("SATMON_VM_URL", "http://unused"),
                        ("SATMON_TRITON_URL", "unused:8001")):
        monkeypatch.setenv(name, value)
    settings = load_settings()
    queue = _Queue()
    handler = SchedulerHandler(settings, StreamScheduler({"eps": WindowSpec(30, 10)}), queue)
    samples = []
    for sequence in range(40):
        sample = SubsystemSample(satellite_id="SAT-1", sequence=sequence, model_name="M",
                                 frame=SubsystemFrame(subsystem="eps", features=[float(sequence)] * 25))
        sample.sample_time.FromSeconds(1_700_000_000 + sequence)
        samples.append(sample)
    topic = settings.subsystem_topic("eps")
    good = _Message(topic, SubsystemSampleBatch(samples=samples).SerializeToString(), 0)
    bad = _Message(topic, b"\x0a\xff\xff", 1)
    [rejected] = handler([good, bad])
    assert rejected.message is bad and rejected.reason == "undecodable"
    windows = [w for task in queue.sent for w in task.windows]
    assert windows and all(w.satellite_id == "SAT-1" and w.model_name == "M" for w in windows)
