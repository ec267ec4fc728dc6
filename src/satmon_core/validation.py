"""Decoding Kafka payloads, and validating telemetry records (shared by the router, which
dead-letters, and the writer)."""

from __future__ import annotations

import math
from typing import TypeVar

from google.protobuf.message import DecodeError, Message

from satmon.telemetry.v1 import events_pb2
from satmon_core.errors import InvalidRecordError
from satmon_core.identifiers import is_valid_satellite_id
from satmon_core.topics import SUBSYSTEMS

__all__ = ["FEATURES", "decode", "decode_record", "validate_record"]

FEATURES = 25

M = TypeVar("M", bound=Message)


def decode(message_type: type[M], payload: bytes | None) -> M:
    """The payload as a `message_type`; InvalidRecordError("undecodable") when it is not one."""
    message = message_type()
    try:
        message.ParseFromString(payload or b"")
    except DecodeError as exc:
        raise InvalidRecordError("undecodable", str(exc)) from None
    return message


def decode_record(payload: bytes | None) -> events_pb2.TelemetryRecord:
    if not payload:
        raise InvalidRecordError("empty_payload")
    return decode(events_pb2.TelemetryRecord, payload)


def validate_record(record: events_pb2.TelemetryRecord) -> None:
    """Raises InvalidRecordError with a reason code; `is_known` checks the fleet registry separately."""
    if not record.satellite_id:
        raise InvalidRecordError("missing_satellite_id")
    if not is_valid_satellite_id(record.satellite_id):
        raise InvalidRecordError("invalid_satellite_id", record.satellite_id[:80])
    if not record.HasField("sample_time") or record.sample_time.seconds <= 0:
        raise InvalidRecordError("missing_sample_time")
    seen = set()
    for frame in record.frames:
        if frame.subsystem not in SUBSYSTEMS:
            raise InvalidRecordError("unknown_subsystem", str(frame.subsystem))
        if frame.subsystem in seen:
            raise InvalidRecordError("duplicate_subsystem", SUBSYSTEMS[frame.subsystem])
        seen.add(frame.subsystem)
        if len(frame.features) != FEATURES:
            raise InvalidRecordError("wrong_vector_length",
                                     f"{SUBSYSTEMS[frame.subsystem]} has {len(frame.features)} features, expected {FEATURES}")
        if not all(math.isfinite(v) for v in frame.features):
            raise InvalidRecordError("non_finite_value", f"{SUBSYSTEMS[frame.subsystem]} has NaN or infinity")
    if len(seen) != len(SUBSYSTEMS):
        missing = sorted(SUBSYSTEMS[s] for s in set(SUBSYSTEMS) - seen)
        raise InvalidRecordError("missing_subsystem", ",".join(missing))
    hk = record.housekeeping
    values = (hk.battery_voltage_v, hk.battery_soc_percent, hk.obc_temperature_c, hk.solar_power_w,
              hk.power_consumption_w, hk.position.latitude_deg, hk.position.longitude_deg,
              hk.position.altitude_km, hk.position.velocity_km_s)
    if not all(math.isfinite(v) for v in values):
        raise InvalidRecordError("non_finite_value", "housekeeping has NaN or infinity")
