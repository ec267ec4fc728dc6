"""Which spans a process records: with no exporter, none of the traces it starts (their ids still
propagate), but every trace a traced caller started; with an exporter, every span. Each case runs
in a fresh interpreter: the tracer provider is process-global."""

from __future__ import annotations

import json
import os
import subprocess
import sys

PROBE = """
import json
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags, set_span_in_context
from satmon_core.tracing import kafka_headers, setup_tracing, tracer
setup_tracing("probe")
spans = tracer("probe")
with spans.start_as_current_span("root") as root:
    headers, root_recorded = dict(kafka_headers()), root.is_recording()
caller = set_span_in_context(NonRecordingSpan(SpanContext(0x1234, 0x99, True, TraceFlags(TraceFlags.SAMPLED))))
with spans.start_as_current_span("child", context=caller) as child:
    child_recorded = child.is_recording()
print("PROBE " + json.dumps({"root": root_recorded, "trace_id": root.get_span_context().trace_id,
                  "traceparent": headers.get("traceparent", b"").decode(), "child": child_recorded}))
"""


def _probe(**env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    out = subprocess.run([sys.executable, "-c", PROBE], env={**clean, **env}, capture_output=True, text=True,
                         timeout=60, check=True).stdout
    return json.loads(next(line for line in out.splitlines() if line.startswith("PROBE "))[6:])


def test_with_no_exporter_a_started_trace_is_not_recorded_but_propagates_and_a_callers_trace_is():
    seen = _probe()
    assert not seen["root"] and seen["trace_id"] != 0
    assert seen["traceparent"].split("-")[1] == format(seen["trace_id"], "032x")
    assert seen["child"]


def test_with_an_exporter_or_a_chosen_sampler_every_span_is_recorded():
    assert _probe(OTEL_TRACES_EXPORTER="console")["root"]
    assert _probe(OTEL_TRACES_SAMPLER="always_on")["root"]
