"""CSV exports: one row per timestamp with named columns, alerts with their history, in pieces."""

from __future__ import annotations

import csv
import io

from google.protobuf.timestamp_pb2 import Timestamp

from satmon.ops.v1 import alert_pb2
from satmon_ops.domain.csv_export import (alert_rows, alerts_header, column_title, telemetry_header, telemetry_rows,
                                          time_chunks)

T0_MS = 1_764_000_000_000  # 2025-11-24T16:00:00Z


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_pieces_cover_the_range_once_without_overlap():
    assert list(time_chunks(0, 7200.5, 3600)) == [(0, 3600), (3600, 7200), (7200, 7200.5)]
    assert list(time_chunks(10, 10)) == []


def test_columns_are_headed_with_name_and_unit():
    assert _rows(telemetry_header([column_title("battery_voltage", "V"), column_title("mode", "")])) == [
        ["time", "battery_voltage [V]", "mode"]]


def test_series_pivot_to_one_row_per_timestamp_in_time_order_with_gaps_left_empty():
    text = telemetry_rows(["voltage", "current"], {
        "current": ([T0_MS + 1000, T0_MS], [2.5, 2.0]),
        "voltage": ([T0_MS], [28.125]),
    })
    assert _rows(text) == [["2025-11-24T16:00:00.000Z", "28.125", "2.0"],
                           ["2025-11-24T16:00:01.000Z", "", "2.5"]]


def test_an_absent_series_gives_an_empty_column_not_an_error():
    assert _rows(telemetry_rows(["a", "b"], {"a": ([T0_MS], [1.0])})) == [["2025-11-24T16:00:00.000Z", "1.0", ""]]


def test_alerts_carry_their_history_in_one_cell_and_survive_commas_and_newlines():
    at = Timestamp(seconds=T0_MS // 1000)
    alert = alert_pb2.Alert(
        alert_id="7", satellite_id="SAT-1", subsystem="eps", kind=alert_pb2.ALERT_KIND_LIMIT,
        severity=alert_pb2.ALERT_SEVERITY_CRITICAL, state=alert_pb2.ALERT_STATE_RESOLVED, parameter="battery_voltage",
        limit=24.0, value=22.5, start_time=at, disposition=alert_pb2.ALERT_DISPOSITION_TRUE_ANOMALY,
        tags=["battery", "eclipse"],
        history=[alert_pb2.AlertChange(action=alert_pb2.ALERT_ACTION_ACKNOWLEDGE, operator_name="ana", change_time=at,
                                       comment='looking, "now"\nsecond line'),
                 alert_pb2.AlertChange(action=alert_pb2.ALERT_ACTION_RESOLVE, operator_name="bo", change_time=at,
                                       disposition=alert_pb2.ALERT_DISPOSITION_TRUE_ANOMALY)])
    header, row = _rows(alerts_header() + alert_rows([alert]))
    record = dict(zip(header, row))
    assert record["severity"] == "critical" and record["kind"] == "limit" and record["state"] == "resolved"
    assert record["disposition"] == "true_anomaly" and record["tags"] == "battery;eclipse"
    assert (record["limit"], record["value"]) == ("24.0", "22.5")
    assert record["history"].splitlines() == [
        '2025-11-24T16:00:00.000Z acknowledge by ana (looking, "now"', 'second line)',
        "2025-11-24T16:00:00.000Z resolve by bo as true_anomaly"]
