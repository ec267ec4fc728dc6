"""Splitting a telemetry record into per-subsystem samples."""

from __future__ import annotations

from satmon.telemetry.v1 import events_pb2

__all__ = ["split_record"]


def split_record(record: events_pb2.TelemetryRecord, models: dict[str, str],
                 spacecraft_class: str) -> list[tuple[str, events_pb2.SubsystemSample]]:
    """(subsystem name, sample) for each frame; every sample carries the housekeeping for rule checks,
    the satellite's class, and the model that scores its subsystem (`models`, from the registry and
    mission database)."""
    samples = []
    housekeeping = record.housekeeping if record.HasField("housekeeping") else None
    for frame in record.frames:
        name = frame.subsystem
        samples.append((name, events_pb2.SubsystemSample(
            satellite_id=record.satellite_id, sample_time=record.sample_time, sequence=record.sequence,
            record_index=record.record_index, frame=frame,
            housekeeping=housekeeping,
            model_name=models[name], spacecraft_class=spacecraft_class)))
    return samples
