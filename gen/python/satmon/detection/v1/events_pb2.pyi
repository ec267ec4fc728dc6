import datetime

from buf.validate import validate_pb2 as _validate_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from satmon.detection.v1 import job_pb2 as _job_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Window(_message.Message):
    __slots__ = ("satellite_id", "subsystem", "model_name", "start_sequence", "sample_times", "values", "feature_count", "packed_values", "spacecraft_class", "packed_context", "context_values", "context_columns")
    SATELLITE_ID_FIELD_NUMBER: _ClassVar[int]
    SUBSYSTEM_FIELD_NUMBER: _ClassVar[int]
    MODEL_NAME_FIELD_NUMBER: _ClassVar[int]
    START_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_TIMES_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    FEATURE_COUNT_FIELD_NUMBER: _ClassVar[int]
    PACKED_VALUES_FIELD_NUMBER: _ClassVar[int]
    SPACECRAFT_CLASS_FIELD_NUMBER: _ClassVar[int]
    PACKED_CONTEXT_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_VALUES_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_COLUMNS_FIELD_NUMBER: _ClassVar[int]
    satellite_id: str
    subsystem: str
    model_name: str
    start_sequence: int
    sample_times: _containers.RepeatedCompositeFieldContainer[_timestamp_pb2.Timestamp]
    values: _containers.RepeatedScalarFieldContainer[float]
    feature_count: int
    packed_values: bytes
    spacecraft_class: str
    packed_context: bytes
    context_values: _containers.RepeatedScalarFieldContainer[float]
    context_columns: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, satellite_id: _Optional[str] = ..., subsystem: _Optional[str] = ..., model_name: _Optional[str] = ..., start_sequence: _Optional[int] = ..., sample_times: _Optional[_Iterable[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]]] = ..., values: _Optional[_Iterable[float]] = ..., feature_count: _Optional[int] = ..., packed_values: _Optional[bytes] = ..., spacecraft_class: _Optional[str] = ..., packed_context: _Optional[bytes] = ..., context_values: _Optional[_Iterable[float]] = ..., context_columns: _Optional[_Iterable[int]] = ...) -> None: ...

class InferenceTask(_message.Message):
    __slots__ = ("job_id", "source", "trigger_reason", "windows", "create_time", "trace_context")
    class TraceContextEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_REASON_FIELD_NUMBER: _ClassVar[int]
    WINDOWS_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    TRACE_CONTEXT_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    source: _job_pb2.JobSource
    trigger_reason: str
    windows: _containers.RepeatedCompositeFieldContainer[Window]
    create_time: _timestamp_pb2.Timestamp
    trace_context: _containers.ScalarMap[str, str]
    def __init__(self, job_id: _Optional[str] = ..., source: _Optional[_Union[_job_pb2.JobSource, str]] = ..., trigger_reason: _Optional[str] = ..., windows: _Optional[_Iterable[_Union[Window, _Mapping]]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., trace_context: _Optional[_Mapping[str, str]] = ...) -> None: ...

class InferenceTaskBatch(_message.Message):
    __slots__ = ("tasks",)
    TASKS_FIELD_NUMBER: _ClassVar[int]
    tasks: _containers.RepeatedCompositeFieldContainer[InferenceTask]
    def __init__(self, tasks: _Optional[_Iterable[_Union[InferenceTask, _Mapping]]] = ...) -> None: ...

class InferenceResult(_message.Message):
    __slots__ = ("job_id", "satellite_id", "subsystem", "model_name", "model_version", "start_sequence", "sample_times", "timestep_scores", "reconstruction", "feature_count", "mean_score", "max_score", "threshold", "is_anomaly", "inference_time_ms", "source", "trigger_reason", "create_time", "dispatch_time", "spacecraft_class", "packed_reconstruction")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    SATELLITE_ID_FIELD_NUMBER: _ClassVar[int]
    SUBSYSTEM_FIELD_NUMBER: _ClassVar[int]
    MODEL_NAME_FIELD_NUMBER: _ClassVar[int]
    MODEL_VERSION_FIELD_NUMBER: _ClassVar[int]
    START_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_TIMES_FIELD_NUMBER: _ClassVar[int]
    TIMESTEP_SCORES_FIELD_NUMBER: _ClassVar[int]
    RECONSTRUCTION_FIELD_NUMBER: _ClassVar[int]
    FEATURE_COUNT_FIELD_NUMBER: _ClassVar[int]
    MEAN_SCORE_FIELD_NUMBER: _ClassVar[int]
    MAX_SCORE_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    IS_ANOMALY_FIELD_NUMBER: _ClassVar[int]
    INFERENCE_TIME_MS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_REASON_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    DISPATCH_TIME_FIELD_NUMBER: _ClassVar[int]
    SPACECRAFT_CLASS_FIELD_NUMBER: _ClassVar[int]
    PACKED_RECONSTRUCTION_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    satellite_id: str
    subsystem: str
    model_name: str
    model_version: str
    start_sequence: int
    sample_times: _containers.RepeatedCompositeFieldContainer[_timestamp_pb2.Timestamp]
    timestep_scores: _containers.RepeatedScalarFieldContainer[float]
    reconstruction: _containers.RepeatedScalarFieldContainer[float]
    feature_count: int
    mean_score: float
    max_score: float
    threshold: float
    is_anomaly: bool
    inference_time_ms: float
    source: _job_pb2.JobSource
    trigger_reason: str
    create_time: _timestamp_pb2.Timestamp
    dispatch_time: _timestamp_pb2.Timestamp
    spacecraft_class: str
    packed_reconstruction: bytes
    def __init__(self, job_id: _Optional[str] = ..., satellite_id: _Optional[str] = ..., subsystem: _Optional[str] = ..., model_name: _Optional[str] = ..., model_version: _Optional[str] = ..., start_sequence: _Optional[int] = ..., sample_times: _Optional[_Iterable[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]]] = ..., timestep_scores: _Optional[_Iterable[float]] = ..., reconstruction: _Optional[_Iterable[float]] = ..., feature_count: _Optional[int] = ..., mean_score: _Optional[float] = ..., max_score: _Optional[float] = ..., threshold: _Optional[float] = ..., is_anomaly: _Optional[bool] = ..., inference_time_ms: _Optional[float] = ..., source: _Optional[_Union[_job_pb2.JobSource, str]] = ..., trigger_reason: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., dispatch_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., spacecraft_class: _Optional[str] = ..., packed_reconstruction: _Optional[bytes] = ...) -> None: ...

class JobUpdate(_message.Message):
    __slots__ = ("job", "metadata", "windows")
    class MetadataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    JOB_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    WINDOWS_FIELD_NUMBER: _ClassVar[int]
    job: _job_pb2.InferenceJob
    metadata: _containers.ScalarMap[str, str]
    windows: _containers.RepeatedCompositeFieldContainer[_job_pb2.WindowScore]
    def __init__(self, job: _Optional[_Union[_job_pb2.InferenceJob, _Mapping]] = ..., metadata: _Optional[_Mapping[str, str]] = ..., windows: _Optional[_Iterable[_Union[_job_pb2.WindowScore, _Mapping]]] = ...) -> None: ...
