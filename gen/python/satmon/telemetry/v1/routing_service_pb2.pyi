from buf.validate import validate_pb2 as _validate_pb2
from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from satmon.telemetry.v1 import events_pb2 as _events_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class IngestTelemetryRequest(_message.Message):
    __slots__ = ("records",)
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    records: _containers.RepeatedCompositeFieldContainer[_events_pb2.TelemetryRecord]
    def __init__(self, records: _Optional[_Iterable[_Union[_events_pb2.TelemetryRecord, _Mapping]]] = ...) -> None: ...

class IngestTelemetryResponse(_message.Message):
    __slots__ = ("accepted_count",)
    ACCEPTED_COUNT_FIELD_NUMBER: _ClassVar[int]
    accepted_count: int
    def __init__(self, accepted_count: _Optional[int] = ...) -> None: ...

class GetRoutingStatsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetRoutingStatsResponse(_message.Message):
    __slots__ = ("records_consumed", "samples_published", "records_dead_lettered")
    RECORDS_CONSUMED_FIELD_NUMBER: _ClassVar[int]
    SAMPLES_PUBLISHED_FIELD_NUMBER: _ClassVar[int]
    RECORDS_DEAD_LETTERED_FIELD_NUMBER: _ClassVar[int]
    records_consumed: int
    samples_published: int
    records_dead_lettered: int
    def __init__(self, records_consumed: _Optional[int] = ..., samples_published: _Optional[int] = ..., records_dead_lettered: _Optional[int] = ...) -> None: ...
