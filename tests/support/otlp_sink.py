"""An in-memory OTLP/gRPC trace receiver: services export their spans here during tests."""

from __future__ import annotations

import threading
from concurrent import futures

import grpc
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc


class OtlpSink(trace_service_pb2_grpc.TraceServiceServicer):
    def __init__(self) -> None:
        self.spans: list[tuple[str, str, bytes, bytes]] = []  # (service, span name, trace id, parent span id)
        self.lock = threading.Lock()
        self.server = grpc.server(futures.ThreadPoolExecutor(4))
        trace_service_pb2_grpc.add_TraceServiceServicer_to_server(self, self.server)
        self.port = self.server.add_insecure_port("127.0.0.1:0")

    def start(self) -> None:
        self.server.start()

    def stop(self) -> None:
        self.server.stop(1)

    def Export(self, request, context):
        with self.lock:
            for resource_spans in request.resource_spans:
                service = next((a.value.string_value for a in resource_spans.resource.attributes
                                if a.key == "service.name"), "")
                for scope in resource_spans.scope_spans:
                    for span in scope.spans:
                        self.spans.append((service, span.name, span.trace_id, span.parent_span_id))
        return trace_service_pb2.ExportTraceServiceResponse()

    def services_in_trace(self, trace_id: bytes) -> dict[str, set[str]]:
        with self.lock:
            out: dict[str, set[str]] = {}
            for service, name, tid, _ in self.spans:
                if tid == trace_id:
                    out.setdefault(service, set()).add(name)
            return out
