"""Kafka topic layout.

    satmon.telemetry.raw            TelemetryRecord, key = satellite id
    satmon.telemetry.<subsystem>    SubsystemSample, key = satellite id (one topic per subsystem name of the
                                    mission database's classes; SMAP's: acs, data, eps, fsw, ps, ss, tcs)
    satmon.inference.results        InferenceResult, key = satellite id
    satmon.inference.jobs           JobUpdate, key = job id (the writer records them in inference_jobs)
    satmon.deadletter               the original bytes, reason in headers
    satmon.groundtruth              GroundTruth, key = satellite id (labels of replayed streams; never
                                    read by the detector or the models)

Keying by satellite id keeps each satellite's records in order within one
partition; adding satellites adds keys, not topics, so thousands of satellites
share the same nine topics and scale by partition count.
"""

from __future__ import annotations

from satmon.telemetry.v1 import telemetry_pb2
from satmon_mdb import load_mission_database

__all__ = ["SUBSYSTEMS", "SUBSYSTEM_BY_NAME", "subsystem_name", "all_topics", "PARTITIONS"]

# The wire codec of telemetry.v1's Subsystem enum: enum value -> the mission database's subsystem
# name used in topics, labels and tables. Only the contracts still carry the enum; what a class's
# subsystems are is the mission database's to say.
SUBSYSTEMS: dict[int, str] = {
    value.number: value.name.removeprefix("SUBSYSTEM_").lower()
    for value in telemetry_pb2.Subsystem.DESCRIPTOR.values
    if value.number != 0
}
SUBSYSTEM_BY_NAME: dict[str, int] = {name: number for number, name in SUBSYSTEMS.items()}

PARTITIONS = 6


def subsystem_name(value: int) -> str:
    return SUBSYSTEMS[value]


def all_topics(prefix: str = "satmon.") -> dict[str, int]:
    topics = {f"{prefix}telemetry.raw": PARTITIONS, f"{prefix}inference.results": PARTITIONS,
              f"{prefix}inference.jobs": PARTITIONS,
              f"{prefix}deadletter": 1, f"{prefix}groundtruth": 1}
    topics.update({f"{prefix}telemetry.{name}": PARTITIONS for name in load_mission_database().subsystem_names()})
    return topics
