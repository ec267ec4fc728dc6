"""Decoding Kafka payloads, and checking telemetry records against their satellite's class in the
mission database (shared by the router, which dead-letters, and the writer)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from google.protobuf.message import DecodeError, Message

from satmon.telemetry.v1 import events_pb2
from satmon_core.errors import InvalidRecordError
from satmon_core.fleet_registry import FleetRegistry, SatelliteEntry
from satmon_core.identifiers import is_valid_satellite_id
from satmon_mdb import DEFAULT_CLASS, MissionDatabaseError, SubsystemView, load_mission_database

__all__ = ["decode", "decode_record", "validate_record", "validate_envelope", "validate_frames",
           "registered_record", "models_of", "RegisteredRecord"]

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


def validate_envelope(record: events_pb2.TelemetryRecord) -> None:
    """Who sent it and when: what every class's records share."""
    if not record.satellite_id:
        raise InvalidRecordError("missing_satellite_id")
    if not is_valid_satellite_id(record.satellite_id):
        raise InvalidRecordError("invalid_satellite_id", record.satellite_id[:80])
    if not record.HasField("sample_time") or record.sample_time.seconds <= 0:
        raise InvalidRecordError("missing_sample_time")


def _validate_housekeeping(record: events_pb2.TelemetryRecord, required: bool) -> None:
    if not record.HasField("housekeeping"):
        if required:
            raise InvalidRecordError("missing_housekeeping", "the satellite's class sends bus housekeeping")
        return
    hk = record.housekeeping
    values = (hk.battery_voltage_v, hk.battery_soc_percent, hk.obc_temperature_c, hk.solar_power_w,
              hk.power_consumption_w, hk.position.latitude_deg, hk.position.longitude_deg,
              hk.position.altitude_km, hk.position.velocity_km_s)
    if not all(map(math.isfinite, values)):
        raise InvalidRecordError("non_finite_value", "housekeeping has NaN or infinity")


def _out_of_range(view: SubsystemView, values: Sequence[float]) -> str | None:
    """The first value outside its range, described. This runs on every frame of every record in the
    router and the writer, so the view's range screen clears most vectors before any value-by-value look."""
    ranged, lowest, highest = view.range_screen
    inside = ranged(values)
    if lowest <= min(inside) and max(inside) <= highest:
        return None
    for index, low, high in view.valid_ranges:
        if not low <= values[index] <= high:
            return f"{view.name}.{view.parameter_names[index]} = {values[index]!r} is outside its valid range {low:g}..{high:g}"
    return None


def _all_finite(values: Sequence[float]) -> bool:
    # A sum is finite when every value is (NaN and infinity propagate); only a sum that overflowed
    # from finite values needs the value-by-value look.
    return math.isfinite(sum(values)) or all(map(math.isfinite, values))


def validate_frames(record: events_pb2.TelemetryRecord, subsystems: Sequence[SubsystemView]) -> None:
    """One frame per subsystem of the class, each with one finite value per declared parameter,
    every value inside its parameter's valid range; finite housekeeping where the class sends it."""
    _validate_housekeeping(record, subsystems[0].housekeeping)
    by_name = {view.name: view for view in subsystems}
    seen = set()
    for frame in record.frames:
        name = frame.subsystem
        view = by_name.get(name)
        if view is None:
            raise InvalidRecordError("unknown_subsystem", f"{name!r} is not a subsystem of the "
                                                          f"satellite's class {subsystems[0].spacecraft_class}")
        if name in seen:
            raise InvalidRecordError("duplicate_subsystem", name)
        seen.add(name)
        values = frame.features
        if len(values) != view.width:
            raise InvalidRecordError("wrong_vector_length",
                                     f"{name} has {len(values)} values, its class declares {view.width} parameters")
        if not _all_finite(values):
            raise InvalidRecordError("non_finite_value", f"{name} has NaN or infinity")
        if view.range_screen and (problem := _out_of_range(view, values)):
            raise InvalidRecordError("value_out_of_range", problem)
    if len(seen) != len(by_name):
        raise InvalidRecordError("missing_subsystem", ",".join(sorted(set(by_name) - seen)))


def validate_record(record: events_pb2.TelemetryRecord, spacecraft_class: str = DEFAULT_CLASS) -> None:
    """Raises InvalidRecordError with a reason code; the fleet registry is checked separately."""
    validate_envelope(record)
    validate_frames(record, _subsystems_of(spacecraft_class))


def _subsystems_of(spacecraft_class: str) -> Sequence[SubsystemView]:
    try:
        return load_mission_database().subsystems(spacecraft_class)
    except MissionDatabaseError as exc:  # registered with a class this mission database lacks
        raise InvalidRecordError("unknown_class", str(exc)) from None


@dataclass(frozen=True)
class RegisteredRecord:
    """A record that matches its satellite's class: the class's subsystems, and the model that
    scores each (the class's, else the satellite's registration's)."""

    spacecraft_class: str
    subsystems: Sequence[SubsystemView]
    models: dict[str, str]


def registered_record(record: events_pb2.TelemetryRecord, registry: FleetRegistry) -> RegisteredRecord:
    """The record checked as its satellite's class declares. TransientError when the registry
    cannot be read, InvalidRecordError otherwise."""
    validate_envelope(record)
    entry = registry.entry(record.satellite_id)
    if entry is None:
        raise InvalidRecordError("unknown_satellite", record.satellite_id)
    subsystems = _subsystems_of(entry.spacecraft_class)
    validate_frames(record, subsystems)
    return RegisteredRecord(entry.spacecraft_class, subsystems, models_of(entry, subsystems))


def models_of(entry: SatelliteEntry, subsystems: Sequence[SubsystemView]) -> dict[str, str]:
    models = {view.name: view.model or entry.models.get(view.name) for view in subsystems}
    if unnamed := sorted(name for name, model in models.items() if not model):
        raise InvalidRecordError("no_model", f"{entry.satellite_id}: neither class {entry.spacecraft_class} nor the "
                                             f"registry names a model for {', '.join(unnamed)}")
    return models

