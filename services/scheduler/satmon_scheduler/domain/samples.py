"""A subsystem sample as the scheduler reads it.

At 1,000 satellites the scheduler reads 7,000 samples a second and needs the same six fields of
each; read one attribute at a time through the protobuf bindings (and the features packed again
by struct) that was about a third of its consume thread. satmon_native reads them from the
batch's bytes at once; the whole message is parsed only for the samples that need more of it
(the rule subsystem's housekeeping, a closing record's trace context).
"""

from __future__ import annotations

from typing import NamedTuple

import satmon_native

from satmon.telemetry.v1 import events_pb2
from satmon_core import packed_floats

__all__ = ["Sample", "samples_of"]


class Sample(NamedTuple):
    satellite_id: str
    spacecraft_class: str   # "" when the router named none: the default class
    model_name: str
    sequence: int
    time_ns: int
    features: bytes         # packed_floats.pack of the frame's features
    parsed: "_Messages"     # where the whole message is
    index: int              # its place there

    def message(self) -> events_pb2.SubsystemSample:
        """The whole SubsystemSample (housekeeping, trace context), parsed on first use."""
        return self.parsed.sample(self.index)

    @classmethod
    def of(cls, sample: events_pb2.SubsystemSample) -> "Sample":
        """A sample built in Python (tests, benchmarks)."""
        return cls(sample.satellite_id, sample.spacecraft_class, sample.model_name, sample.sequence,
                   sample.sample_time.ToNanoseconds(), packed_floats.pack(sample.frame.features),
                   _Messages(b"", events_pb2.SubsystemSampleBatch(samples=[sample])), 0)


class _Messages:
    """A SubsystemSampleBatch's bytes, parsed by the protobuf bindings the first time one of its
    samples' whole message is asked for (or a batch already parsed)."""

    __slots__ = ("payload", "batch")

    def __init__(self, payload: bytes, batch: events_pb2.SubsystemSampleBatch | None = None) -> None:
        self.payload = payload
        self.batch = batch

    def sample(self, index: int) -> events_pb2.SubsystemSample:
        if self.batch is None:
            self.batch = events_pb2.SubsystemSampleBatch.FromString(self.payload)
        return self.batch.samples[index]


def samples_of(payload: bytes) -> list[Sample]:
    """The samples of a serialized SubsystemSampleBatch, in order. Raises ValueError when it does
    not decode."""
    return list(map(Sample._make, satmon_native.scheduled_samples(payload, _Messages(payload))))
