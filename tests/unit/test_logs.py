"""Log lines are JSON from python-json-logger: quotes, newlines and tracebacks stay valid, one record
per line, with the current span's trace and span ids; anything answered as INTERNAL is logged."""

from __future__ import annotations

import io
import json
import logging

import grpc
import pytest
from opentelemetry.sdk.trace import TracerProvider

from satmon_core.errors import ConfigError, NotFound
from satmon_core.grpc_errors import _statuses
from satmon_core.logs import JsonLogFormatter


@pytest.fixture
def captured():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLogFormatter("writer"))
    logger = logging.getLogger("satmon.test.logs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def _lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]  # raises on any invalid line


def test_quotes_newlines_and_a_traceback_give_one_valid_json_line_each(captured):
    logger, stream = captured
    logger.info('satellite "SAT-1" said:\n  {"not": "json"} \\ done')
    try:
        raise ValueError('broken "value"\nsecond line')
    except ValueError:
        logger.exception("batch failed")
    first, second = _lines(stream)
    assert first["message"] == 'satellite "SAT-1" said:\n  {"not": "json"} \\ done'
    assert first["service"] == "writer" and first["level"] == "INFO" and first["logger"] == "satmon.test.logs"
    assert second["level"] == "ERROR" and 'ValueError: broken "value"\nsecond line' in second["exc_info"]
    assert "Traceback (most recent call last)" in second["exc_info"]


def test_lines_logged_inside_a_span_carry_its_trace_and_span_ids_and_others_none(captured):
    logger, stream = captured
    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("batch.write") as span:
        logger.info("inside")
        context = span.get_span_context()
    logger.info("outside")
    inside, outside = _lines(stream)
    assert inside["trace_id"] == format(context.trace_id, "032x") and len(inside["trace_id"]) == 32
    assert inside["span_id"] == format(context.span_id, "016x") and len(inside["span_id"]) == 16
    assert "trace_id" not in outside and "span_id" not in outside


class _Aborted(Exception):
    pass


class _Context:
    def code(self):
        return None

    def abort_with_status(self, status):
        self.status = status
        raise _Aborted()


@pytest.mark.parametrize("error", [ConfigError("a mapping nobody wrote"), RuntimeError("a plain bug")])
def test_anything_answered_as_internal_is_logged_with_its_traceback(error, caplog):
    context = _Context()
    with caplog.at_level(logging.ERROR, logger="satmon_core.grpc_errors"), pytest.raises(_Aborted):
        with _statuses("/satmon.Test/Method", context):
            raise error
    assert context.status.code == grpc.StatusCode.INTERNAL
    assert [r.exc_info[1] for r in caplog.records] == [error]


def test_a_mapped_error_is_answered_without_a_log_line(caplog):
    context = _Context()
    with caplog.at_level(logging.ERROR, logger="satmon_core.grpc_errors"), pytest.raises(_Aborted):
        with _statuses("/satmon.Test/Method", context):
            raise NotFound("JOB_NOT_FOUND", "no such job")
    assert context.status.code == grpc.StatusCode.NOT_FOUND and caplog.records == []
