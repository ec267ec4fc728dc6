"""The mission database as OpsService messages, and checking a subsystem filter against it."""

from __future__ import annotations

from satmon.ops.v1 import ops_service_pb2 as pb
from satmon_core.errors import InvalidArgument
from satmon_mdb import MissionDatabase, load_mission_database

__all__ = ["class_message", "known_subsystem"]


def known_subsystem(name: str, field: str = "subsystem") -> None:
    """A filter naming a subsystem no class declares is a mistake, not an empty answer."""
    if name and name not in (names := load_mission_database().subsystem_names()):
        raise InvalidArgument(field, f"{name!r} is not a subsystem of any spacecraft class ({', '.join(names)})")


def _parameter(parameter) -> pb.ParameterDefinition:
    message = pb.ParameterDefinition(name=parameter.name, unit=parameter.unit, type=parameter.type.value,
                                     kind=parameter.kind.value, description=parameter.description)
    if parameter.valid_range is not None:
        message.valid_range.low, message.valid_range.high = parameter.valid_range.low, parameter.valid_range.high
    if parameter.limits is not None:
        message.limits.CopyFrom(pb.Limits(**parameter.limits.model_dump(exclude_none=True)))
    return message


def class_message(database: MissionDatabase, name: str) -> pb.SpacecraftClass:
    spacecraft_class = database.spacecraft_class(name)
    return pb.SpacecraftClass(
        name=spacecraft_class.name, display_name=spacecraft_class.display_name,
        description=spacecraft_class.description,
        subsystems=[pb.SubsystemDefinition(name=view.name, display_name=view.definition.display_name,
                                           window_size=view.window.size, window_stride=view.window.stride,
                                           model=view.model or "",
                                           parameters=[_parameter(p) for p in view.definition.parameters])
                    for view in database.subsystems(name)])
