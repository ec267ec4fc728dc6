"""JSON log lines on stdout, one shape for every service, with the current trace and span ids.

python-json-logger does the encoding, so quotes, newlines and tracebacks stay inside valid JSON
(one record, one line); the ids come from the OpenTelemetry span current when the line is logged,
in the W3C hex form that trace backends show, and are absent outside a span.
"""

from __future__ import annotations

import logging
import sys

from opentelemetry import trace
from pythonjsonlogger.json import JsonFormatter

__all__ = ["JsonLogFormatter", "setup_logging"]


class JsonLogFormatter(JsonFormatter):
    def __init__(self, service: str) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s",
                         rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                         static_fields={"service": service})

    def add_fields(self, log_data: dict, record: logging.LogRecord, message_dict: dict) -> None:
        super().add_fields(log_data, record, message_dict)
        context = trace.get_current_span().get_span_context()
        if context.is_valid:
            log_data["trace_id"] = format(context.trace_id, "032x")
            log_data["span_id"] = format(context.span_id, "016x")


def setup_logging(service: str, level: str = "INFO", stream=None) -> None:
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(JsonLogFormatter(service))
    logging.basicConfig(level=level, handlers=[handler], force=True)
