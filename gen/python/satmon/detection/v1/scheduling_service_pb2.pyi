import datetime

from buf.validate import validate_pb2 as _validate_pb2
from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from satmon.detection.v1 import events_pb2 as _events_pb2
from satmon.detection.v1 import job_pb2 as _job_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SubmitInferenceJobRequest(_message.Message):
    __slots__ = ("satellite_id", "subsystems", "model_name", "windows", "start_time", "end_time", "window_size", "stride", "metadata", "data", "config")
    class MetadataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    SATELLITE_ID_FIELD_NUMBER: _ClassVar[int]
    SUBSYSTEMS_FIELD_NUMBER: _ClassVar[int]
    MODEL_NAME_FIELD_NUMBER: _ClassVar[int]
    WINDOWS_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    WINDOW_SIZE_FIELD_NUMBER: _ClassVar[int]
    STRIDE_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    satellite_id: str
    subsystems: _containers.RepeatedScalarFieldContainer[str]
    model_name: str
    windows: _containers.RepeatedCompositeFieldContainer[_events_pb2.Window]
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    window_size: int
    stride: int
    metadata: _containers.ScalarMap[str, str]
    data: _struct_pb2.ListValue
    config: JobConfig
    def __init__(self, satellite_id: _Optional[str] = ..., subsystems: _Optional[_Iterable[str]] = ..., model_name: _Optional[str] = ..., windows: _Optional[_Iterable[_Union[_events_pb2.Window, _Mapping]]] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., window_size: _Optional[int] = ..., stride: _Optional[int] = ..., metadata: _Optional[_Mapping[str, str]] = ..., data: _Optional[_Union[_struct_pb2.ListValue, _Mapping]] = ..., config: _Optional[_Union[JobConfig, _Mapping]] = ...) -> None: ...

class JobConfig(_message.Message):
    __slots__ = ("window_size", "stride", "forecast_horizon")
    WINDOW_SIZE_FIELD_NUMBER: _ClassVar[int]
    STRIDE_FIELD_NUMBER: _ClassVar[int]
    FORECAST_HORIZON_FIELD_NUMBER: _ClassVar[int]
    window_size: int
    stride: int
    forecast_horizon: int
    def __init__(self, window_size: _Optional[int] = ..., stride: _Optional[int] = ..., forecast_horizon: _Optional[int] = ...) -> None: ...

class SubmitInferenceJobResponse(_message.Message):
    __slots__ = ("job",)
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: _job_pb2.InferenceJob
    def __init__(self, job: _Optional[_Union[_job_pb2.InferenceJob, _Mapping]] = ...) -> None: ...

class BatchSubmitInferenceJobsRequest(_message.Message):
    __slots__ = ("requests",)
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    requests: _containers.RepeatedCompositeFieldContainer[SubmitInferenceJobRequest]
    def __init__(self, requests: _Optional[_Iterable[_Union[SubmitInferenceJobRequest, _Mapping]]] = ...) -> None: ...

class BatchSubmitInferenceJobsResponse(_message.Message):
    __slots__ = ("jobs",)
    JOBS_FIELD_NUMBER: _ClassVar[int]
    jobs: _containers.RepeatedCompositeFieldContainer[_job_pb2.InferenceJob]
    def __init__(self, jobs: _Optional[_Iterable[_Union[_job_pb2.InferenceJob, _Mapping]]] = ...) -> None: ...

class GetInferenceJobRequest(_message.Message):
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    def __init__(self, job_id: _Optional[str] = ...) -> None: ...

class GetInferenceJobResponse(_message.Message):
    __slots__ = ("job",)
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: _job_pb2.InferenceJob
    def __init__(self, job: _Optional[_Union[_job_pb2.InferenceJob, _Mapping]] = ...) -> None: ...

class GetInferenceJobResultRequest(_message.Message):
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    def __init__(self, job_id: _Optional[str] = ...) -> None: ...

class GetInferenceJobResultResponse(_message.Message):
    __slots__ = ("job", "window_scores")
    JOB_FIELD_NUMBER: _ClassVar[int]
    WINDOW_SCORES_FIELD_NUMBER: _ClassVar[int]
    job: _job_pb2.InferenceJob
    window_scores: _containers.RepeatedCompositeFieldContainer[_job_pb2.WindowScore]
    def __init__(self, job: _Optional[_Union[_job_pb2.InferenceJob, _Mapping]] = ..., window_scores: _Optional[_Iterable[_Union[_job_pb2.WindowScore, _Mapping]]] = ...) -> None: ...
