from __future__ import annotations

import pytest

from satmon.ops.v1 import ops_service_pb2 as ops
from satmon.telemetry.v1 import events_pb2, routing_service_pb2 as routing
from satmon_core.errors import InvalidRecordError
from satmon_core.identifiers import is_valid_satellite_id, label_value
from satmon_core.request_validation import invalid_satellite_id_fields
from satmon_core.validation import validate_record

BAD = ['SAT-1"} evil{x="1', "SAT-1\nevil 1", "SAT-{1}", "S" * 10_000, "-SAT", ""]


def test_the_pattern():
    assert all(is_valid_satellite_id(s) for s in ("SAT-001", "a", "sat_9.b-c", "X" * 64))
    assert not any(is_valid_satellite_id(s) for s in BAD + ["X" * 65])


def test_label_values_are_escaped_for_import_lines_and_promql():
    assert label_value('a"b\\c\nd') == 'a\\"b\\\\c\\nd'


def test_invalid_ids_are_found_at_any_depth_with_their_path():
    request = routing.IngestTelemetryRequest(records=[events_pb2.TelemetryRecord(satellite_id="SAT-1"),
                                                      events_pb2.TelemetryRecord(satellite_id="SAT-{1}")])
    assert invalid_satellite_id_fields(request) == ["records[1].satellite_id"]
    trend = ops.QueryRawTrendRequest(satellite_id='x"}')
    assert invalid_satellite_id_fields(trend) == ["satellite_id"]
    assert invalid_satellite_id_fields(ops.ListAlertsRequest()) == []  # empty means "any satellite"


@pytest.mark.parametrize("sat", BAD[:4])
def test_the_router_rejects_records_with_a_bad_id(sat):
    with pytest.raises(InvalidRecordError) as info:
        validate_record(events_pb2.TelemetryRecord(satellite_id=sat))
    assert info.value.reason == "invalid_satellite_id"
