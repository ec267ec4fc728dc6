"""One trace links a record's production, routing, scheduling, inference and write."""

from __future__ import annotations

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from satmon_scheduler.domain.scheduler import SUBSYSTEM_NAMES
from satmon_detection.windows import stream_phase
from satmon_simulator.replay import ReplayPlan
from tests.support.pipeline import run_replay, wait_for

pytestmark = pytest.mark.stack


def test_one_trace_spans_every_stage(stack, otlp_sink):
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    assert trace.get_tracer_provider() is provider, "another test already installed a tracer provider"

    # The record that closes SAT-001's first window (sequence 29 + the lowest phase of its seven
    # streams) must have a trace that reaches the writer.
    closing = 29 + min(stream_phase("SAT-001", subsystem) for subsystem in SUBSYSTEM_NAMES)
    run_replay(ReplayPlan(satellites=1, rate_hz=1.0, duration_s=40, speedup=100.0, loops=1))
    produced = [s for s in exporter.get_finished_spans() if s.name == "telemetry.produce"
                and s.attributes["satmon.sequence"] == closing]
    assert len(produced) == 1
    trace_id = produced[0].context.trace_id.to_bytes(16, "big")

    wanted = {"satmon-router": "telemetry.route", "satmon-scheduler": "telemetry.schedule",
              "satmon-worker": "inference.score", "satmon-writer": "result.write"}

    def complete() -> bool:
        seen = otlp_sink.services_in_trace(trace_id)
        return all(name in seen.get(service, set()) for service, name in wanted.items())

    assert wait_for(complete, 60), otlp_sink.services_in_trace(trace_id)
