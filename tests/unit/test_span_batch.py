"""A record's span covers the batch work done for it after the loop over records."""

from __future__ import annotations

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from satmon_core.tracing import SpanBatch, carrier


@pytest.fixture()
def spans_out():
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider.get_tracer("test"), exporter


def test_spans_end_after_the_shared_work_not_at_the_end_of_their_turn(spans_out):
    span_tracer, exporter = spans_out
    with SpanBatch(span_tracer) as spans:
        for item in ("a", "b"):
            with spans.current("record", attributes={"item": item}):
                pass
        assert exporter.get_finished_spans() == ()  # the shared work is still to come
        with span_tracer.start_as_current_span("produce"):
            pass
    finished = {s.name: s for s in exporter.get_finished_spans()}
    produce = finished["produce"]
    records = [s for s in exporter.get_finished_spans() if s.name == "record"]
    assert len(records) == 2
    assert all(r.start_time <= produce.start_time and r.end_time >= produce.end_time for r in records)


def test_the_current_span_is_what_goes_into_outgoing_headers(spans_out):
    span_tracer, _ = spans_out
    with SpanBatch(span_tracer) as spans:
        with spans.current("record") as span:
            headers = carrier()
    trace_id = format(span.get_span_context().trace_id, "032x")
    assert trace_id in headers["traceparent"]


def test_a_failed_batch_marks_every_span_as_an_error(spans_out):
    span_tracer, exporter = spans_out
    with pytest.raises(RuntimeError):
        with SpanBatch(span_tracer) as spans:
            spans.start("record")
            spans.start("record")
            raise RuntimeError("broker refused")
    finished = exporter.get_finished_spans()
    assert len(finished) == 2
    assert all(s.status.status_code == trace.StatusCode.ERROR for s in finished)
    assert all(s.events[0].name == "exception" for s in finished)
