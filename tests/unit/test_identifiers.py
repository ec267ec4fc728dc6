from __future__ import annotations

import pytest

from satmon.ops.v1 import ops_service_pb2 as ops
from satmon.telemetry.v1 import events_pb2, routing_service_pb2 as routing
from satmon_core.errors import InvalidRecordError
from satmon_core.identifiers import is_valid_satellite_id, label_value
from satmon_core.identifiers import SATELLITE_ID_PATTERN
from satmon_core.request_validation import violations
from satmon_core.validation import validate_record

BAD = ['SAT-1"} evil{x="1', "SAT-1\nevil 1", "SAT-{1}", "S" * 10_000, "-SAT", ""]


def test_the_pattern():
    assert all(is_valid_satellite_id(s) for s in ("SAT-001", "a", "sat_9.b-c", "X" * 64))
    assert not any(is_valid_satellite_id(s) for s in BAD + ["X" * 65])


def test_label_values_are_escaped_for_import_lines_and_promql():
    assert label_value('a"b\\c\nd') == 'a\\"b\\\\c\\nd'


def _fields(message) -> list[str]:
    return [field for field, _ in violations(message)]


def test_invalid_ids_are_found_at_any_depth_with_their_path():
    request = routing.IngestTelemetryRequest(records=[events_pb2.TelemetryRecord(satellite_id="SAT-1"),
                                                      events_pb2.TelemetryRecord(satellite_id="SAT-{1}")])
    assert _fields(request) == ["records[1].satellite_id"]
    trend = ops.QueryRawTrendRequest(satellite_id='x"}', subsystem="acs")
    assert _fields(trend) == ["satellite_id"]
    assert _fields(ops.ListAlertsRequest()) == []  # empty means "any satellite"


def test_every_declared_satellite_id_rule_is_the_one_pattern():
    """The protos declare the pattern for protovalidate; the router and the metadata check use the
    Python one. This keeps the two the same."""
    from buf.validate import validate_pb2
    from satmon.detection.v1 import scheduling_service_pb2

    found = []
    for message in (ops.QueryRawTrendRequest, ops.ListAlertsRequest, ops.ListJobsRequest, events_pb2.TelemetryRecord,
                    scheduling_service_pb2.SubmitInferenceJobRequest):
        rules = message.DESCRIPTOR.fields_by_name["satellite_id"].GetOptions().Extensions[validate_pb2.field]
        found.append(rules.string.pattern)
    assert set(found) == {f"^{SATELLITE_ID_PATTERN.pattern}$"}


def test_declared_rules_name_every_broken_field():
    bad = ops.CompareTrendsRequest(satellite_id="SAT-001", subsystem="EPS power", feature_indices=[3, 4096])
    assert sorted(_fields(bad)) == ["feature_indices[1]", "subsystem"]
    assert _fields(ops.ListJobsRequest(page_size=-1)) == ["page_size"]
    assert _fields(ops.QueryRawTrendRequest()) == ["satellite_id", "subsystem"]


@pytest.mark.parametrize("sat", BAD[:4])
def test_the_router_rejects_records_with_a_bad_id(sat):
    with pytest.raises(InvalidRecordError) as info:
        validate_record(events_pb2.TelemetryRecord(satellite_id=sat))
    assert info.value.reason == "invalid_satellite_id"


def test_every_declared_subsystem_rule_is_the_mission_databases_name_pattern():
    """Subsystem names are checked by pattern at the edge (and against the satellite's class by the
    servicers); the pattern is the mission database's, so every class's names pass it."""
    from buf.validate import validate_pb2
    from satmon.detection.v1 import events_pb2 as detection_events
    from satmon.telemetry.v1 import telemetry_pb2
    from satmon_mdb.schema import NAME_PATTERN

    found = set()
    for message in (ops.QueryRawTrendRequest, ops.CompareTrendsRequest, ops.ListAlertsRequest,
                    telemetry_pb2.SubsystemFrame, detection_events.Window):
        rules = message.DESCRIPTOR.fields_by_name["subsystem"].GetOptions().Extensions[validate_pb2.field]
        found.add(rules.string.pattern)
    assert found == {NAME_PATTERN}
