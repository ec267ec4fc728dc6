import datetime

from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class JobSource(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    JOB_SOURCE_UNSPECIFIED: _ClassVar[JobSource]
    JOB_SOURCE_STREAM: _ClassVar[JobSource]
    JOB_SOURCE_RULE: _ClassVar[JobSource]
    JOB_SOURCE_MANUAL: _ClassVar[JobSource]
    STREAM: _ClassVar[JobSource]
    RULE: _ClassVar[JobSource]
    MANUAL: _ClassVar[JobSource]

class JobState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    JOB_STATE_UNSPECIFIED: _ClassVar[JobState]
    JOB_STATE_PENDING: _ClassVar[JobState]
    JOB_STATE_PROCESSING: _ClassVar[JobState]
    JOB_STATE_COMPLETED: _ClassVar[JobState]
    JOB_STATE_FAILED: _ClassVar[JobState]
    PENDING: _ClassVar[JobState]
    PROCESSING: _ClassVar[JobState]
    COMPLETED: _ClassVar[JobState]
    FAILED: _ClassVar[JobState]
JOB_SOURCE_UNSPECIFIED: JobSource
JOB_SOURCE_STREAM: JobSource
JOB_SOURCE_RULE: JobSource
JOB_SOURCE_MANUAL: JobSource
STREAM: JobSource
RULE: JobSource
MANUAL: JobSource
JOB_STATE_UNSPECIFIED: JobState
JOB_STATE_PENDING: JobState
JOB_STATE_PROCESSING: JobState
JOB_STATE_COMPLETED: JobState
JOB_STATE_FAILED: JobState
PENDING: JobState
PROCESSING: JobState
COMPLETED: JobState
FAILED: JobState

class SubsystemInference(_message.Message):
    __slots__ = ("subsystem", "model_name", "state", "anomaly_detected", "anomaly_score", "inference_time_ms", "window_start_time", "window_end_time", "job_id", "satellite_id", "model_version", "max_score", "threshold", "start_sequence")
    SUBSYSTEM_FIELD_NUMBER: _ClassVar[int]
    MODEL_NAME_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    ANOMALY_DETECTED_FIELD_NUMBER: _ClassVar[int]
    ANOMALY_SCORE_FIELD_NUMBER: _ClassVar[int]
    INFERENCE_TIME_MS_FIELD_NUMBER: _ClassVar[int]
    WINDOW_START_TIME_FIELD_NUMBER: _ClassVar[int]
    WINDOW_END_TIME_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    SATELLITE_ID_FIELD_NUMBER: _ClassVar[int]
    MODEL_VERSION_FIELD_NUMBER: _ClassVar[int]
    MAX_SCORE_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    START_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    subsystem: str
    model_name: str
    state: JobState
    anomaly_detected: bool
    anomaly_score: float
    inference_time_ms: float
    window_start_time: _timestamp_pb2.Timestamp
    window_end_time: _timestamp_pb2.Timestamp
    job_id: str
    satellite_id: str
    model_version: str
    max_score: float
    threshold: float
    start_sequence: int
    def __init__(self, subsystem: _Optional[str] = ..., model_name: _Optional[str] = ..., state: _Optional[_Union[JobState, str]] = ..., anomaly_detected: _Optional[bool] = ..., anomaly_score: _Optional[float] = ..., inference_time_ms: _Optional[float] = ..., window_start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., window_end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., job_id: _Optional[str] = ..., satellite_id: _Optional[str] = ..., model_version: _Optional[str] = ..., max_score: _Optional[float] = ..., threshold: _Optional[float] = ..., start_sequence: _Optional[int] = ...) -> None: ...

class WindowScore(_message.Message):
    __slots__ = ("subsystem", "model_name", "start_sequence", "window_start_time", "window_end_time", "anomaly_score", "max_score", "threshold", "anomaly_detected")
    SUBSYSTEM_FIELD_NUMBER: _ClassVar[int]
    MODEL_NAME_FIELD_NUMBER: _ClassVar[int]
    START_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    WINDOW_START_TIME_FIELD_NUMBER: _ClassVar[int]
    WINDOW_END_TIME_FIELD_NUMBER: _ClassVar[int]
    ANOMALY_SCORE_FIELD_NUMBER: _ClassVar[int]
    MAX_SCORE_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    ANOMALY_DETECTED_FIELD_NUMBER: _ClassVar[int]
    subsystem: str
    model_name: str
    start_sequence: int
    window_start_time: _timestamp_pb2.Timestamp
    window_end_time: _timestamp_pb2.Timestamp
    anomaly_score: float
    max_score: float
    threshold: float
    anomaly_detected: bool
    def __init__(self, subsystem: _Optional[str] = ..., model_name: _Optional[str] = ..., start_sequence: _Optional[int] = ..., window_start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., window_end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., anomaly_score: _Optional[float] = ..., max_score: _Optional[float] = ..., threshold: _Optional[float] = ..., anomaly_detected: _Optional[bool] = ...) -> None: ...

class InferenceJob(_message.Message):
    __slots__ = ("job_id", "satellite_id", "source", "trigger_reason", "state", "create_time", "complete_time", "error_message", "subsystem_inferences")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    SATELLITE_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_REASON_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_TIME_FIELD_NUMBER: _ClassVar[int]
    ERROR_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    SUBSYSTEM_INFERENCES_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    satellite_id: str
    source: JobSource
    trigger_reason: str
    state: JobState
    create_time: _timestamp_pb2.Timestamp
    complete_time: _timestamp_pb2.Timestamp
    error_message: str
    subsystem_inferences: _containers.RepeatedCompositeFieldContainer[SubsystemInference]
    def __init__(self, job_id: _Optional[str] = ..., satellite_id: _Optional[str] = ..., source: _Optional[_Union[JobSource, str]] = ..., trigger_reason: _Optional[str] = ..., state: _Optional[_Union[JobState, str]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., complete_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., error_message: _Optional[str] = ..., subsystem_inferences: _Optional[_Iterable[_Union[SubsystemInference, _Mapping]]] = ...) -> None: ...
