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

class AlertState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ALERT_STATE_UNSPECIFIED: _ClassVar[AlertState]
    ALERT_STATE_OPEN: _ClassVar[AlertState]
    ALERT_STATE_ACKNOWLEDGED: _ClassVar[AlertState]
    ALERT_STATE_RESOLVED: _ClassVar[AlertState]
    ALERT_STATE_CLOSED: _ClassVar[AlertState]
    ALERT_STATE_SHELVED: _ClassVar[AlertState]
    OPEN: _ClassVar[AlertState]
    ACKNOWLEDGED: _ClassVar[AlertState]
    RESOLVED: _ClassVar[AlertState]
    CLOSED: _ClassVar[AlertState]
    SHELVED: _ClassVar[AlertState]

class AlertKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ALERT_KIND_UNSPECIFIED: _ClassVar[AlertKind]
    ALERT_KIND_MODEL: _ClassVar[AlertKind]
    ALERT_KIND_LIMIT: _ClassVar[AlertKind]

class AlertSeverity(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ALERT_SEVERITY_UNSPECIFIED: _ClassVar[AlertSeverity]
    ALERT_SEVERITY_WARNING: _ClassVar[AlertSeverity]
    ALERT_SEVERITY_CRITICAL: _ClassVar[AlertSeverity]

class AlertDisposition(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ALERT_DISPOSITION_UNSPECIFIED: _ClassVar[AlertDisposition]
    ALERT_DISPOSITION_TRUE_ANOMALY: _ClassVar[AlertDisposition]
    ALERT_DISPOSITION_FALSE_ALARM: _ClassVar[AlertDisposition]
    ALERT_DISPOSITION_KNOWN_EVENT: _ClassVar[AlertDisposition]

class AlertAction(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ALERT_ACTION_UNSPECIFIED: _ClassVar[AlertAction]
    ALERT_ACTION_ACKNOWLEDGE: _ClassVar[AlertAction]
    ALERT_ACTION_SHELVE: _ClassVar[AlertAction]
    ALERT_ACTION_UNSHELVE: _ClassVar[AlertAction]
    ALERT_ACTION_ASSIGN: _ClassVar[AlertAction]
    ALERT_ACTION_RESOLVE: _ClassVar[AlertAction]
ALERT_STATE_UNSPECIFIED: AlertState
ALERT_STATE_OPEN: AlertState
ALERT_STATE_ACKNOWLEDGED: AlertState
ALERT_STATE_RESOLVED: AlertState
ALERT_STATE_CLOSED: AlertState
ALERT_STATE_SHELVED: AlertState
OPEN: AlertState
ACKNOWLEDGED: AlertState
RESOLVED: AlertState
CLOSED: AlertState
SHELVED: AlertState
ALERT_KIND_UNSPECIFIED: AlertKind
ALERT_KIND_MODEL: AlertKind
ALERT_KIND_LIMIT: AlertKind
ALERT_SEVERITY_UNSPECIFIED: AlertSeverity
ALERT_SEVERITY_WARNING: AlertSeverity
ALERT_SEVERITY_CRITICAL: AlertSeverity
ALERT_DISPOSITION_UNSPECIFIED: AlertDisposition
ALERT_DISPOSITION_TRUE_ANOMALY: AlertDisposition
ALERT_DISPOSITION_FALSE_ALARM: AlertDisposition
ALERT_DISPOSITION_KNOWN_EVENT: AlertDisposition
ALERT_ACTION_UNSPECIFIED: AlertAction
ALERT_ACTION_ACKNOWLEDGE: AlertAction
ALERT_ACTION_SHELVE: AlertAction
ALERT_ACTION_UNSHELVE: AlertAction
ALERT_ACTION_ASSIGN: AlertAction
ALERT_ACTION_RESOLVE: AlertAction

class AlertChange(_message.Message):
    __slots__ = ("action", "operator_name", "change_time", "comment", "shelve_end_time", "assignee", "disposition", "tags")
    ACTION_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_NAME_FIELD_NUMBER: _ClassVar[int]
    CHANGE_TIME_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    SHELVE_END_TIME_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_FIELD_NUMBER: _ClassVar[int]
    DISPOSITION_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    action: AlertAction
    operator_name: str
    change_time: _timestamp_pb2.Timestamp
    comment: str
    shelve_end_time: _timestamp_pb2.Timestamp
    assignee: str
    disposition: AlertDisposition
    tags: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, action: _Optional[_Union[AlertAction, str]] = ..., operator_name: _Optional[str] = ..., change_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., comment: _Optional[str] = ..., shelve_end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., assignee: _Optional[str] = ..., disposition: _Optional[_Union[AlertDisposition, str]] = ..., tags: _Optional[_Iterable[str]] = ...) -> None: ...

class AlertAcknowledgement(_message.Message):
    __slots__ = ("operator_name", "comment", "acknowledge_time")
    OPERATOR_NAME_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    ACKNOWLEDGE_TIME_FIELD_NUMBER: _ClassVar[int]
    operator_name: str
    comment: str
    acknowledge_time: _timestamp_pb2.Timestamp
    def __init__(self, operator_name: _Optional[str] = ..., comment: _Optional[str] = ..., acknowledge_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Alert(_message.Message):
    __slots__ = ("alert_id", "satellite_id", "subsystem", "model_name", "start_time", "end_time", "peak_score", "window_count", "state", "acknowledged_by", "comment", "acknowledge_time", "resolve_time", "close_time", "acknowledgements", "kind", "severity", "parameter", "limit", "value", "shelve_end_time", "assignee", "disposition", "tags", "history", "update_time")
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    SATELLITE_ID_FIELD_NUMBER: _ClassVar[int]
    SUBSYSTEM_FIELD_NUMBER: _ClassVar[int]
    MODEL_NAME_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    PEAK_SCORE_FIELD_NUMBER: _ClassVar[int]
    WINDOW_COUNT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    ACKNOWLEDGED_BY_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    ACKNOWLEDGE_TIME_FIELD_NUMBER: _ClassVar[int]
    RESOLVE_TIME_FIELD_NUMBER: _ClassVar[int]
    CLOSE_TIME_FIELD_NUMBER: _ClassVar[int]
    ACKNOWLEDGEMENTS_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    PARAMETER_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    SHELVE_END_TIME_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_FIELD_NUMBER: _ClassVar[int]
    DISPOSITION_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    HISTORY_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    alert_id: str
    satellite_id: str
    subsystem: str
    model_name: str
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    peak_score: float
    window_count: int
    state: AlertState
    acknowledged_by: str
    comment: str
    acknowledge_time: _timestamp_pb2.Timestamp
    resolve_time: _timestamp_pb2.Timestamp
    close_time: _timestamp_pb2.Timestamp
    acknowledgements: _containers.RepeatedCompositeFieldContainer[AlertAcknowledgement]
    kind: AlertKind
    severity: AlertSeverity
    parameter: str
    limit: float
    value: float
    shelve_end_time: _timestamp_pb2.Timestamp
    assignee: str
    disposition: AlertDisposition
    tags: _containers.RepeatedScalarFieldContainer[str]
    history: _containers.RepeatedCompositeFieldContainer[AlertChange]
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, alert_id: _Optional[str] = ..., satellite_id: _Optional[str] = ..., subsystem: _Optional[str] = ..., model_name: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., peak_score: _Optional[float] = ..., window_count: _Optional[int] = ..., state: _Optional[_Union[AlertState, str]] = ..., acknowledged_by: _Optional[str] = ..., comment: _Optional[str] = ..., acknowledge_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., resolve_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., close_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., acknowledgements: _Optional[_Iterable[_Union[AlertAcknowledgement, _Mapping]]] = ..., kind: _Optional[_Union[AlertKind, str]] = ..., severity: _Optional[_Union[AlertSeverity, str]] = ..., parameter: _Optional[str] = ..., limit: _Optional[float] = ..., value: _Optional[float] = ..., shelve_end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., assignee: _Optional[str] = ..., disposition: _Optional[_Union[AlertDisposition, str]] = ..., tags: _Optional[_Iterable[str]] = ..., history: _Optional[_Iterable[_Union[AlertChange, _Mapping]]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
