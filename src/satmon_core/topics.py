"""Kafka topic layout.

    satmon.telemetry.raw            TelemetryRecord, key = satellite id
    satmon.telemetry.<subsystem>    SubsystemSampleBatch, no key: the samples of satellites whose ids pick
                                    this partition as keys (key_partition), from one router batch (one
                                    topic per subsystem name of the mission database's classes; SMAP's:
                                    acs, data, eps, fsw, ps, ss, tcs)
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

from satmon_mdb import load_mission_database

__all__ = ["all_topics", "PARTITIONS"]

PARTITIONS = 6


def all_topics(prefix: str = "satmon.") -> dict[str, int]:
    topics = {f"{prefix}telemetry.raw": PARTITIONS, f"{prefix}inference.results": PARTITIONS,
              f"{prefix}inference.jobs": PARTITIONS,
              f"{prefix}deadletter": 1, f"{prefix}groundtruth": 1}
    topics.update({f"{prefix}telemetry.{name}": PARTITIONS for name in load_mission_database().subsystem_names()})
    return topics
