from buf.validate import validate_pb2 as _validate_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SubsystemFrame(_message.Message):
    __slots__ = ("subsystem", "features")
    SUBSYSTEM_FIELD_NUMBER: _ClassVar[int]
    FEATURES_FIELD_NUMBER: _ClassVar[int]
    subsystem: str
    features: _containers.RepeatedScalarFieldContainer[float]
    def __init__(self, subsystem: _Optional[str] = ..., features: _Optional[_Iterable[float]] = ...) -> None: ...

class Position(_message.Message):
    __slots__ = ("latitude_deg", "longitude_deg", "altitude_km", "velocity_km_s")
    LATITUDE_DEG_FIELD_NUMBER: _ClassVar[int]
    LONGITUDE_DEG_FIELD_NUMBER: _ClassVar[int]
    ALTITUDE_KM_FIELD_NUMBER: _ClassVar[int]
    VELOCITY_KM_S_FIELD_NUMBER: _ClassVar[int]
    latitude_deg: float
    longitude_deg: float
    altitude_km: float
    velocity_km_s: float
    def __init__(self, latitude_deg: _Optional[float] = ..., longitude_deg: _Optional[float] = ..., altitude_km: _Optional[float] = ..., velocity_km_s: _Optional[float] = ...) -> None: ...

class Housekeeping(_message.Message):
    __slots__ = ("battery_voltage_v", "battery_soc_percent", "obc_temperature_c", "solar_power_w", "power_consumption_w", "thruster_active", "in_eclipse", "position")
    BATTERY_VOLTAGE_V_FIELD_NUMBER: _ClassVar[int]
    BATTERY_SOC_PERCENT_FIELD_NUMBER: _ClassVar[int]
    OBC_TEMPERATURE_C_FIELD_NUMBER: _ClassVar[int]
    SOLAR_POWER_W_FIELD_NUMBER: _ClassVar[int]
    POWER_CONSUMPTION_W_FIELD_NUMBER: _ClassVar[int]
    THRUSTER_ACTIVE_FIELD_NUMBER: _ClassVar[int]
    IN_ECLIPSE_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    battery_voltage_v: float
    battery_soc_percent: float
    obc_temperature_c: float
    solar_power_w: float
    power_consumption_w: float
    thruster_active: bool
    in_eclipse: bool
    position: Position
    def __init__(self, battery_voltage_v: _Optional[float] = ..., battery_soc_percent: _Optional[float] = ..., obc_temperature_c: _Optional[float] = ..., solar_power_w: _Optional[float] = ..., power_consumption_w: _Optional[float] = ..., thruster_active: _Optional[bool] = ..., in_eclipse: _Optional[bool] = ..., position: _Optional[_Union[Position, _Mapping]] = ...) -> None: ...
