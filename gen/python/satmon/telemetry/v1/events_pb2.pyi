import datetime

from buf.validate import validate_pb2 as _validate_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from satmon.telemetry.v1 import telemetry_pb2 as _telemetry_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TelemetryRecord(_message.Message):
    __slots__ = ("satellite_id", "sample_time", "loop_index", "record_index", "sequence", "frames", "housekeeping")
    SATELLITE_ID_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_TIME_FIELD_NUMBER: _ClassVar[int]
    LOOP_INDEX_FIELD_NUMBER: _ClassVar[int]
    RECORD_INDEX_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    FRAMES_FIELD_NUMBER: _ClassVar[int]
    HOUSEKEEPING_FIELD_NUMBER: _ClassVar[int]
    satellite_id: str
    sample_time: _timestamp_pb2.Timestamp
    loop_index: int
    record_index: int
    sequence: int
    frames: _containers.RepeatedCompositeFieldContainer[_telemetry_pb2.SubsystemFrame]
    housekeeping: _telemetry_pb2.Housekeeping
    def __init__(self, satellite_id: _Optional[str] = ..., sample_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., loop_index: _Optional[int] = ..., record_index: _Optional[int] = ..., sequence: _Optional[int] = ..., frames: _Optional[_Iterable[_Union[_telemetry_pb2.SubsystemFrame, _Mapping]]] = ..., housekeeping: _Optional[_Union[_telemetry_pb2.Housekeeping, _Mapping]] = ...) -> None: ...

class SubsystemSample(_message.Message):
    __slots__ = ("satellite_id", "sample_time", "sequence", "record_index", "frame", "housekeeping", "model_name", "spacecraft_class", "trace_context")
    class TraceContextEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    SATELLITE_ID_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_TIME_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    RECORD_INDEX_FIELD_NUMBER: _ClassVar[int]
    FRAME_FIELD_NUMBER: _ClassVar[int]
    HOUSEKEEPING_FIELD_NUMBER: _ClassVar[int]
    MODEL_NAME_FIELD_NUMBER: _ClassVar[int]
    SPACECRAFT_CLASS_FIELD_NUMBER: _ClassVar[int]
    TRACE_CONTEXT_FIELD_NUMBER: _ClassVar[int]
    satellite_id: str
    sample_time: _timestamp_pb2.Timestamp
    sequence: int
    record_index: int
    frame: _telemetry_pb2.SubsystemFrame
    housekeeping: _telemetry_pb2.Housekeeping
    model_name: str
    spacecraft_class: str
    trace_context: _containers.ScalarMap[str, str]
    def __init__(self, satellite_id: _Optional[str] = ..., sample_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., sequence: _Optional[int] = ..., record_index: _Optional[int] = ..., frame: _Optional[_Union[_telemetry_pb2.SubsystemFrame, _Mapping]] = ..., housekeeping: _Optional[_Union[_telemetry_pb2.Housekeeping, _Mapping]] = ..., model_name: _Optional[str] = ..., spacecraft_class: _Optional[str] = ..., trace_context: _Optional[_Mapping[str, str]] = ...) -> None: ...

class SubsystemSampleBatch(_message.Message):
    __slots__ = ("samples",)
    SAMPLES_FIELD_NUMBER: _ClassVar[int]
    samples: _containers.RepeatedCompositeFieldContainer[SubsystemSample]
    def __init__(self, samples: _Optional[_Iterable[_Union[SubsystemSample, _Mapping]]] = ...) -> None: ...

class GroundTruth(_message.Message):
    __slots__ = ("satellite_id", "subsystem", "channel", "stream_start_time", "records", "sequences")
    SATELLITE_ID_FIELD_NUMBER: _ClassVar[int]
    SUBSYSTEM_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    STREAM_START_TIME_FIELD_NUMBER: _ClassVar[int]
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    SEQUENCES_FIELD_NUMBER: _ClassVar[int]
    satellite_id: str
    subsystem: str
    channel: str
    stream_start_time: _timestamp_pb2.Timestamp
    records: int
    sequences: _containers.RepeatedCompositeFieldContainer[LabelledSequence]
    def __init__(self, satellite_id: _Optional[str] = ..., subsystem: _Optional[str] = ..., channel: _Optional[str] = ..., stream_start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., records: _Optional[int] = ..., sequences: _Optional[_Iterable[_Union[LabelledSequence, _Mapping]]] = ...) -> None: ...

class LabelledSequence(_message.Message):
    __slots__ = ("start_sequence", "end_sequence")
    START_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    END_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    start_sequence: int
    end_sequence: int
    def __init__(self, start_sequence: _Optional[int] = ..., end_sequence: _Optional[int] = ...) -> None: ...
