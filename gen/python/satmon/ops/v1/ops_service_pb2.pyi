import datetime

from buf.validate import validate_pb2 as _validate_pb2
from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from satmon.detection.v1 import events_pb2 as _events_pb2
from satmon.detection.v1 import job_pb2 as _job_pb2
from satmon.ops.v1 import alert_pb2 as _alert_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TrendSeries(_message.Message):
    __slots__ = ("metric", "feature_index", "times_ms", "values", "parameter", "unit")
    METRIC_FIELD_NUMBER: _ClassVar[int]
    FEATURE_INDEX_FIELD_NUMBER: _ClassVar[int]
    TIMES_MS_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    PARAMETER_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    metric: str
    feature_index: int
    times_ms: _containers.RepeatedScalarFieldContainer[int]
    values: _containers.RepeatedScalarFieldContainer[float]
    parameter: str
    unit: str
    def __init__(self, metric: _Optional[str] = ..., feature_index: _Optional[int] = ..., times_ms: _Optional[_Iterable[int]] = ..., values: _Optional[_Iterable[float]] = ..., parameter: _Optional[str] = ..., unit: _Optional[str] = ...) -> None: ...

class QueryRawTrendRequest(_message.Message):
    __slots__ = ("satellite_id", "subsystem", "parameters", "feature_indices", "start_time", "end_time", "step_seconds")
    SATELLITE_ID_FIELD_NUMBER: _ClassVar[int]
    SUBSYSTEM_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    FEATURE_INDICES_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    STEP_SECONDS_FIELD_NUMBER: _ClassVar[int]
    satellite_id: str
    subsystem: str
    parameters: _containers.RepeatedScalarFieldContainer[str]
    feature_indices: _containers.RepeatedScalarFieldContainer[int]
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    step_seconds: int
    def __init__(self, satellite_id: _Optional[str] = ..., subsystem: _Optional[str] = ..., parameters: _Optional[_Iterable[str]] = ..., feature_indices: _Optional[_Iterable[int]] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., step_seconds: _Optional[int] = ...) -> None: ...

class QueryRawTrendResponse(_message.Message):
    __slots__ = ("series",)
    SERIES_FIELD_NUMBER: _ClassVar[int]
    series: _containers.RepeatedCompositeFieldContainer[TrendSeries]
    def __init__(self, series: _Optional[_Iterable[_Union[TrendSeries, _Mapping]]] = ...) -> None: ...

class ExportTelemetryRequest(_message.Message):
    __slots__ = ("satellite_id", "subsystem", "parameters", "start_time", "end_time")
    SATELLITE_ID_FIELD_NUMBER: _ClassVar[int]
    SUBSYSTEM_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    satellite_id: str
    subsystem: str
    parameters: _containers.RepeatedScalarFieldContainer[str]
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    def __init__(self, satellite_id: _Optional[str] = ..., subsystem: _Optional[str] = ..., parameters: _Optional[_Iterable[str]] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class QueryPredictionTrendRequest(_message.Message):
    __slots__ = ("satellite_id", "subsystem", "parameters", "feature_indices", "start_time", "end_time", "step_seconds")
    SATELLITE_ID_FIELD_NUMBER: _ClassVar[int]
    SUBSYSTEM_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    FEATURE_INDICES_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    STEP_SECONDS_FIELD_NUMBER: _ClassVar[int]
    satellite_id: str
    subsystem: str
    parameters: _containers.RepeatedScalarFieldContainer[str]
    feature_indices: _containers.RepeatedScalarFieldContainer[int]
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    step_seconds: int
    def __init__(self, satellite_id: _Optional[str] = ..., subsystem: _Optional[str] = ..., parameters: _Optional[_Iterable[str]] = ..., feature_indices: _Optional[_Iterable[int]] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., step_seconds: _Optional[int] = ...) -> None: ...

class QueryPredictionTrendResponse(_message.Message):
    __slots__ = ("series",)
    SERIES_FIELD_NUMBER: _ClassVar[int]
    series: _containers.RepeatedCompositeFieldContainer[TrendSeries]
    def __init__(self, series: _Optional[_Iterable[_Union[TrendSeries, _Mapping]]] = ...) -> None: ...

class CompareTrendsRequest(_message.Message):
    __slots__ = ("satellite_id", "subsystem", "parameters", "feature_indices", "start_time", "end_time", "step_seconds")
    SATELLITE_ID_FIELD_NUMBER: _ClassVar[int]
    SUBSYSTEM_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    FEATURE_INDICES_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    STEP_SECONDS_FIELD_NUMBER: _ClassVar[int]
    satellite_id: str
    subsystem: str
    parameters: _containers.RepeatedScalarFieldContainer[str]
    feature_indices: _containers.RepeatedScalarFieldContainer[int]
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    step_seconds: int
    def __init__(self, satellite_id: _Optional[str] = ..., subsystem: _Optional[str] = ..., parameters: _Optional[_Iterable[str]] = ..., feature_indices: _Optional[_Iterable[int]] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., step_seconds: _Optional[int] = ...) -> None: ...

class CompareTrendsResponse(_message.Message):
    __slots__ = ("raw", "prediction", "anomaly_score", "threshold", "detector_threshold")
    RAW_FIELD_NUMBER: _ClassVar[int]
    PREDICTION_FIELD_NUMBER: _ClassVar[int]
    ANOMALY_SCORE_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    DETECTOR_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    raw: _containers.RepeatedCompositeFieldContainer[TrendSeries]
    prediction: _containers.RepeatedCompositeFieldContainer[TrendSeries]
    anomaly_score: TrendSeries
    threshold: float
    detector_threshold: TrendSeries
    def __init__(self, raw: _Optional[_Iterable[_Union[TrendSeries, _Mapping]]] = ..., prediction: _Optional[_Iterable[_Union[TrendSeries, _Mapping]]] = ..., anomaly_score: _Optional[_Union[TrendSeries, _Mapping]] = ..., threshold: _Optional[float] = ..., detector_threshold: _Optional[_Union[TrendSeries, _Mapping]] = ...) -> None: ...

class ListMetricsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListMetricsResponse(_message.Message):
    __slots__ = ("metrics",)
    METRICS_FIELD_NUMBER: _ClassVar[int]
    metrics: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, metrics: _Optional[_Iterable[str]] = ...) -> None: ...

class ListSatellitesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class SatelliteSummary(_message.Message):
    __slots__ = ("satellite_id", "last_seen_time", "battery_soc_percent", "obc_temperature_c", "solar_power_w", "latitude_deg", "longitude_deg", "anomalous_subsystems", "spacecraft_class")
    SATELLITE_ID_FIELD_NUMBER: _ClassVar[int]
    LAST_SEEN_TIME_FIELD_NUMBER: _ClassVar[int]
    BATTERY_SOC_PERCENT_FIELD_NUMBER: _ClassVar[int]
    OBC_TEMPERATURE_C_FIELD_NUMBER: _ClassVar[int]
    SOLAR_POWER_W_FIELD_NUMBER: _ClassVar[int]
    LATITUDE_DEG_FIELD_NUMBER: _ClassVar[int]
    LONGITUDE_DEG_FIELD_NUMBER: _ClassVar[int]
    ANOMALOUS_SUBSYSTEMS_FIELD_NUMBER: _ClassVar[int]
    SPACECRAFT_CLASS_FIELD_NUMBER: _ClassVar[int]
    satellite_id: str
    last_seen_time: _timestamp_pb2.Timestamp
    battery_soc_percent: float
    obc_temperature_c: float
    solar_power_w: float
    latitude_deg: float
    longitude_deg: float
    anomalous_subsystems: _containers.RepeatedScalarFieldContainer[str]
    spacecraft_class: str
    def __init__(self, satellite_id: _Optional[str] = ..., last_seen_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., battery_soc_percent: _Optional[float] = ..., obc_temperature_c: _Optional[float] = ..., solar_power_w: _Optional[float] = ..., latitude_deg: _Optional[float] = ..., longitude_deg: _Optional[float] = ..., anomalous_subsystems: _Optional[_Iterable[str]] = ..., spacecraft_class: _Optional[str] = ...) -> None: ...

class ListSatellitesResponse(_message.Message):
    __slots__ = ("satellites",)
    SATELLITES_FIELD_NUMBER: _ClassVar[int]
    satellites: _containers.RepeatedCompositeFieldContainer[SatelliteSummary]
    def __init__(self, satellites: _Optional[_Iterable[_Union[SatelliteSummary, _Mapping]]] = ...) -> None: ...

class ListJobsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "satellite_id", "state", "source")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    SATELLITE_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    satellite_id: str
    state: _job_pb2.JobState
    source: _job_pb2.JobSource
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., satellite_id: _Optional[str] = ..., state: _Optional[_Union[_job_pb2.JobState, str]] = ..., source: _Optional[_Union[_job_pb2.JobSource, str]] = ...) -> None: ...

class ListJobsResponse(_message.Message):
    __slots__ = ("jobs", "next_page_token")
    JOBS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    jobs: _containers.RepeatedCompositeFieldContainer[_job_pb2.InferenceJob]
    next_page_token: str
    def __init__(self, jobs: _Optional[_Iterable[_Union[_job_pb2.InferenceJob, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetJobStatsRequest(_message.Message):
    __slots__ = ("start_time", "end_time")
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    def __init__(self, start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SubsystemStats(_message.Message):
    __slots__ = ("subsystem", "inference_count", "anomaly_rate", "mean_score")
    SUBSYSTEM_FIELD_NUMBER: _ClassVar[int]
    INFERENCE_COUNT_FIELD_NUMBER: _ClassVar[int]
    ANOMALY_RATE_FIELD_NUMBER: _ClassVar[int]
    MEAN_SCORE_FIELD_NUMBER: _ClassVar[int]
    subsystem: str
    inference_count: int
    anomaly_rate: float
    mean_score: float
    def __init__(self, subsystem: _Optional[str] = ..., inference_count: _Optional[int] = ..., anomaly_rate: _Optional[float] = ..., mean_score: _Optional[float] = ...) -> None: ...

class GetJobStatsResponse(_message.Message):
    __slots__ = ("total_jobs", "completed_jobs", "failed_jobs", "processing_jobs", "success_rate", "jobs_per_hour", "subsystem_stats", "period_start", "period_end")
    TOTAL_JOBS_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_JOBS_FIELD_NUMBER: _ClassVar[int]
    FAILED_JOBS_FIELD_NUMBER: _ClassVar[int]
    PROCESSING_JOBS_FIELD_NUMBER: _ClassVar[int]
    SUCCESS_RATE_FIELD_NUMBER: _ClassVar[int]
    JOBS_PER_HOUR_FIELD_NUMBER: _ClassVar[int]
    SUBSYSTEM_STATS_FIELD_NUMBER: _ClassVar[int]
    PERIOD_START_FIELD_NUMBER: _ClassVar[int]
    PERIOD_END_FIELD_NUMBER: _ClassVar[int]
    total_jobs: int
    completed_jobs: int
    failed_jobs: int
    processing_jobs: int
    success_rate: float
    jobs_per_hour: float
    subsystem_stats: _containers.RepeatedCompositeFieldContainer[SubsystemStats]
    period_start: _timestamp_pb2.Timestamp
    period_end: _timestamp_pb2.Timestamp
    def __init__(self, total_jobs: _Optional[int] = ..., completed_jobs: _Optional[int] = ..., failed_jobs: _Optional[int] = ..., processing_jobs: _Optional[int] = ..., success_rate: _Optional[float] = ..., jobs_per_hour: _Optional[float] = ..., subsystem_stats: _Optional[_Iterable[_Union[SubsystemStats, _Mapping]]] = ..., period_start: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., period_end: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetDetectionQualityRequest(_message.Message):
    __slots__ = ("satellite_id",)
    SATELLITE_ID_FIELD_NUMBER: _ClassVar[int]
    satellite_id: str
    def __init__(self, satellite_id: _Optional[str] = ...) -> None: ...

class GetDetectionQualityResponse(_message.Message):
    __slots__ = ("labelled_streams", "labelled_sequences", "detected_sequences", "false_alerts", "event_precision", "event_recall", "event_f1", "judged_true_anomalies", "judged_known_events", "judged_false_alarms", "judged_precision", "judged_missed", "judged_recall")
    LABELLED_STREAMS_FIELD_NUMBER: _ClassVar[int]
    LABELLED_SEQUENCES_FIELD_NUMBER: _ClassVar[int]
    DETECTED_SEQUENCES_FIELD_NUMBER: _ClassVar[int]
    FALSE_ALERTS_FIELD_NUMBER: _ClassVar[int]
    EVENT_PRECISION_FIELD_NUMBER: _ClassVar[int]
    EVENT_RECALL_FIELD_NUMBER: _ClassVar[int]
    EVENT_F1_FIELD_NUMBER: _ClassVar[int]
    JUDGED_TRUE_ANOMALIES_FIELD_NUMBER: _ClassVar[int]
    JUDGED_KNOWN_EVENTS_FIELD_NUMBER: _ClassVar[int]
    JUDGED_FALSE_ALARMS_FIELD_NUMBER: _ClassVar[int]
    JUDGED_PRECISION_FIELD_NUMBER: _ClassVar[int]
    JUDGED_MISSED_FIELD_NUMBER: _ClassVar[int]
    JUDGED_RECALL_FIELD_NUMBER: _ClassVar[int]
    labelled_streams: int
    labelled_sequences: int
    detected_sequences: int
    false_alerts: int
    event_precision: float
    event_recall: float
    event_f1: float
    judged_true_anomalies: int
    judged_known_events: int
    judged_false_alarms: int
    judged_precision: float
    judged_missed: int
    judged_recall: float
    def __init__(self, labelled_streams: _Optional[int] = ..., labelled_sequences: _Optional[int] = ..., detected_sequences: _Optional[int] = ..., false_alerts: _Optional[int] = ..., event_precision: _Optional[float] = ..., event_recall: _Optional[float] = ..., event_f1: _Optional[float] = ..., judged_true_anomalies: _Optional[int] = ..., judged_known_events: _Optional[int] = ..., judged_false_alarms: _Optional[int] = ..., judged_precision: _Optional[float] = ..., judged_missed: _Optional[int] = ..., judged_recall: _Optional[float] = ...) -> None: ...

class MarkMissedAnomalyRequest(_message.Message):
    __slots__ = ("satellite_id", "subsystem", "start_time", "end_time", "comment")
    SATELLITE_ID_FIELD_NUMBER: _ClassVar[int]
    SUBSYSTEM_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    satellite_id: str
    subsystem: str
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    comment: str
    def __init__(self, satellite_id: _Optional[str] = ..., subsystem: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., comment: _Optional[str] = ...) -> None: ...

class MarkMissedAnomalyResponse(_message.Message):
    __slots__ = ("missed_id", "operator_name", "covered_by_alert")
    MISSED_ID_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_NAME_FIELD_NUMBER: _ClassVar[int]
    COVERED_BY_ALERT_FIELD_NUMBER: _ClassVar[int]
    missed_id: str
    operator_name: str
    covered_by_alert: bool
    def __init__(self, missed_id: _Optional[str] = ..., operator_name: _Optional[str] = ..., covered_by_alert: _Optional[bool] = ...) -> None: ...

class SearchResultsRequest(_message.Message):
    __slots__ = ("satellite_id", "subsystem", "model_name", "start_time", "end_time", "anomalies_only", "page_size", "page_token")
    SATELLITE_ID_FIELD_NUMBER: _ClassVar[int]
    SUBSYSTEM_FIELD_NUMBER: _ClassVar[int]
    MODEL_NAME_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    ANOMALIES_ONLY_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    satellite_id: str
    subsystem: str
    model_name: str
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    anomalies_only: bool
    page_size: int
    page_token: str
    def __init__(self, satellite_id: _Optional[str] = ..., subsystem: _Optional[str] = ..., model_name: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., anomalies_only: _Optional[bool] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class SearchResultsResponse(_message.Message):
    __slots__ = ("results", "next_page_token")
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[_job_pb2.SubsystemInference]
    next_page_token: str
    def __init__(self, results: _Optional[_Iterable[_Union[_job_pb2.SubsystemInference, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListAlertsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "satellite_id", "state", "subsystem", "severity", "kind", "disposition")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    SATELLITE_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    SUBSYSTEM_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    DISPOSITION_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    satellite_id: str
    state: _alert_pb2.AlertState
    subsystem: str
    severity: _alert_pb2.AlertSeverity
    kind: _alert_pb2.AlertKind
    disposition: _alert_pb2.AlertDisposition
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., satellite_id: _Optional[str] = ..., state: _Optional[_Union[_alert_pb2.AlertState, str]] = ..., subsystem: _Optional[str] = ..., severity: _Optional[_Union[_alert_pb2.AlertSeverity, str]] = ..., kind: _Optional[_Union[_alert_pb2.AlertKind, str]] = ..., disposition: _Optional[_Union[_alert_pb2.AlertDisposition, str]] = ...) -> None: ...

class ExportAlertsRequest(_message.Message):
    __slots__ = ("satellite_id", "state", "subsystem", "severity", "kind", "disposition")
    SATELLITE_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    SUBSYSTEM_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    DISPOSITION_FIELD_NUMBER: _ClassVar[int]
    satellite_id: str
    state: _alert_pb2.AlertState
    subsystem: str
    severity: _alert_pb2.AlertSeverity
    kind: _alert_pb2.AlertKind
    disposition: _alert_pb2.AlertDisposition
    def __init__(self, satellite_id: _Optional[str] = ..., state: _Optional[_Union[_alert_pb2.AlertState, str]] = ..., subsystem: _Optional[str] = ..., severity: _Optional[_Union[_alert_pb2.AlertSeverity, str]] = ..., kind: _Optional[_Union[_alert_pb2.AlertKind, str]] = ..., disposition: _Optional[_Union[_alert_pb2.AlertDisposition, str]] = ...) -> None: ...

class ListAlertsResponse(_message.Message):
    __slots__ = ("alerts", "next_page_token")
    ALERTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    alerts: _containers.RepeatedCompositeFieldContainer[_alert_pb2.Alert]
    next_page_token: str
    def __init__(self, alerts: _Optional[_Iterable[_Union[_alert_pb2.Alert, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class AcknowledgeAlertRequest(_message.Message):
    __slots__ = ("alert_id", "operator_name", "comment")
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_NAME_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    alert_id: str
    operator_name: str
    comment: str
    def __init__(self, alert_id: _Optional[str] = ..., operator_name: _Optional[str] = ..., comment: _Optional[str] = ...) -> None: ...

class AcknowledgeAlertResponse(_message.Message):
    __slots__ = ("alert",)
    ALERT_FIELD_NUMBER: _ClassVar[int]
    alert: _alert_pb2.Alert
    def __init__(self, alert: _Optional[_Union[_alert_pb2.Alert, _Mapping]] = ...) -> None: ...

class ResolveAlertRequest(_message.Message):
    __slots__ = ("alert_id", "operator_name", "comment", "disposition", "tags")
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_NAME_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    DISPOSITION_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    alert_id: str
    operator_name: str
    comment: str
    disposition: _alert_pb2.AlertDisposition
    tags: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, alert_id: _Optional[str] = ..., operator_name: _Optional[str] = ..., comment: _Optional[str] = ..., disposition: _Optional[_Union[_alert_pb2.AlertDisposition, str]] = ..., tags: _Optional[_Iterable[str]] = ...) -> None: ...

class ResolveAlertResponse(_message.Message):
    __slots__ = ("alert",)
    ALERT_FIELD_NUMBER: _ClassVar[int]
    alert: _alert_pb2.Alert
    def __init__(self, alert: _Optional[_Union[_alert_pb2.Alert, _Mapping]] = ...) -> None: ...

class ShelveAlertRequest(_message.Message):
    __slots__ = ("alert_id", "operator_name", "comment", "duration")
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_NAME_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    alert_id: str
    operator_name: str
    comment: str
    duration: _duration_pb2.Duration
    def __init__(self, alert_id: _Optional[str] = ..., operator_name: _Optional[str] = ..., comment: _Optional[str] = ..., duration: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class ShelveAlertResponse(_message.Message):
    __slots__ = ("alert",)
    ALERT_FIELD_NUMBER: _ClassVar[int]
    alert: _alert_pb2.Alert
    def __init__(self, alert: _Optional[_Union[_alert_pb2.Alert, _Mapping]] = ...) -> None: ...

class UnshelveAlertRequest(_message.Message):
    __slots__ = ("alert_id", "operator_name", "comment")
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_NAME_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    alert_id: str
    operator_name: str
    comment: str
    def __init__(self, alert_id: _Optional[str] = ..., operator_name: _Optional[str] = ..., comment: _Optional[str] = ...) -> None: ...

class UnshelveAlertResponse(_message.Message):
    __slots__ = ("alert",)
    ALERT_FIELD_NUMBER: _ClassVar[int]
    alert: _alert_pb2.Alert
    def __init__(self, alert: _Optional[_Union[_alert_pb2.Alert, _Mapping]] = ...) -> None: ...

class AssignAlertRequest(_message.Message):
    __slots__ = ("alert_id", "operator_name", "comment", "assignee")
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_NAME_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_FIELD_NUMBER: _ClassVar[int]
    alert_id: str
    operator_name: str
    comment: str
    assignee: str
    def __init__(self, alert_id: _Optional[str] = ..., operator_name: _Optional[str] = ..., comment: _Optional[str] = ..., assignee: _Optional[str] = ...) -> None: ...

class AssignAlertResponse(_message.Message):
    __slots__ = ("alert",)
    ALERT_FIELD_NUMBER: _ClassVar[int]
    alert: _alert_pb2.Alert
    def __init__(self, alert: _Optional[_Union[_alert_pb2.Alert, _Mapping]] = ...) -> None: ...

class CheckHealthRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DependencyHealth(_message.Message):
    __slots__ = ("name", "healthy", "detail")
    NAME_FIELD_NUMBER: _ClassVar[int]
    HEALTHY_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    name: str
    healthy: bool
    detail: str
    def __init__(self, name: _Optional[str] = ..., healthy: _Optional[bool] = ..., detail: _Optional[str] = ...) -> None: ...

class CheckHealthResponse(_message.Message):
    __slots__ = ("status", "dependencies")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    DEPENDENCIES_FIELD_NUMBER: _ClassVar[int]
    status: str
    dependencies: _containers.RepeatedCompositeFieldContainer[DependencyHealth]
    def __init__(self, status: _Optional[str] = ..., dependencies: _Optional[_Iterable[_Union[DependencyHealth, _Mapping]]] = ...) -> None: ...

class StreamEventsRequest(_message.Message):
    __slots__ = ("satellite_id",)
    SATELLITE_ID_FIELD_NUMBER: _ClassVar[int]
    satellite_id: str
    def __init__(self, satellite_id: _Optional[str] = ...) -> None: ...

class StreamEventsResponse(_message.Message):
    __slots__ = ("result", "alert", "stats")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ALERT_FIELD_NUMBER: _ClassVar[int]
    STATS_FIELD_NUMBER: _ClassVar[int]
    result: _events_pb2.InferenceResult
    alert: _alert_pb2.Alert
    stats: GetJobStatsResponse
    def __init__(self, result: _Optional[_Union[_events_pb2.InferenceResult, _Mapping]] = ..., alert: _Optional[_Union[_alert_pb2.Alert, _Mapping]] = ..., stats: _Optional[_Union[GetJobStatsResponse, _Mapping]] = ...) -> None: ...

class ListSpacecraftClassesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListSpacecraftClassesResponse(_message.Message):
    __slots__ = ("spacecraft_classes",)
    SPACECRAFT_CLASSES_FIELD_NUMBER: _ClassVar[int]
    spacecraft_classes: _containers.RepeatedCompositeFieldContainer[SpacecraftClass]
    def __init__(self, spacecraft_classes: _Optional[_Iterable[_Union[SpacecraftClass, _Mapping]]] = ...) -> None: ...

class SpacecraftClass(_message.Message):
    __slots__ = ("name", "display_name", "description", "subsystems")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    SUBSYSTEMS_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    description: str
    subsystems: _containers.RepeatedCompositeFieldContainer[SubsystemDefinition]
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., description: _Optional[str] = ..., subsystems: _Optional[_Iterable[_Union[SubsystemDefinition, _Mapping]]] = ...) -> None: ...

class SubsystemDefinition(_message.Message):
    __slots__ = ("name", "display_name", "window_size", "window_stride", "model", "parameters")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    WINDOW_SIZE_FIELD_NUMBER: _ClassVar[int]
    WINDOW_STRIDE_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    window_size: int
    window_stride: int
    model: str
    parameters: _containers.RepeatedCompositeFieldContainer[ParameterDefinition]
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., window_size: _Optional[int] = ..., window_stride: _Optional[int] = ..., model: _Optional[str] = ..., parameters: _Optional[_Iterable[_Union[ParameterDefinition, _Mapping]]] = ...) -> None: ...

class ParameterDefinition(_message.Message):
    __slots__ = ("name", "unit", "type", "kind", "description", "valid_range", "limits")
    NAME_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    VALID_RANGE_FIELD_NUMBER: _ClassVar[int]
    LIMITS_FIELD_NUMBER: _ClassVar[int]
    name: str
    unit: str
    type: str
    kind: str
    description: str
    valid_range: Range
    limits: Limits
    def __init__(self, name: _Optional[str] = ..., unit: _Optional[str] = ..., type: _Optional[str] = ..., kind: _Optional[str] = ..., description: _Optional[str] = ..., valid_range: _Optional[_Union[Range, _Mapping]] = ..., limits: _Optional[_Union[Limits, _Mapping]] = ...) -> None: ...

class Range(_message.Message):
    __slots__ = ("low", "high")
    LOW_FIELD_NUMBER: _ClassVar[int]
    HIGH_FIELD_NUMBER: _ClassVar[int]
    low: float
    high: float
    def __init__(self, low: _Optional[float] = ..., high: _Optional[float] = ...) -> None: ...

class Limits(_message.Message):
    __slots__ = ("red_low", "yellow_low", "yellow_high", "red_high")
    RED_LOW_FIELD_NUMBER: _ClassVar[int]
    YELLOW_LOW_FIELD_NUMBER: _ClassVar[int]
    YELLOW_HIGH_FIELD_NUMBER: _ClassVar[int]
    RED_HIGH_FIELD_NUMBER: _ClassVar[int]
    red_low: float
    yellow_low: float
    yellow_high: float
    red_high: float
    def __init__(self, red_low: _Optional[float] = ..., yellow_low: _Optional[float] = ..., yellow_high: _Optional[float] = ..., red_high: _Optional[float] = ...) -> None: ...
