"""envoy/rest_checks.lua with its tables generated from the protos: the valid values of each enum,
and the fields of each REST request body (from the `google.api.http` rules)."""

from __future__ import annotations

import re

from google.api import annotations_pb2
from google.protobuf.descriptor import Descriptor, FieldDescriptor

from satmon_core.paths import repo_root

__all__ = ["rest_checks_lua", "enum_values", "body_rules"]

# Messages whose JSON form is not an object of their fields (a string, any JSON value): not looked into.
FREE_FORM = {"google.protobuf.Timestamp", "google.protobuf.Duration", "google.protobuf.Struct",
             "google.protobuf.Value", "google.protobuf.ListValue", "google.protobuf.FieldMask",
             "google.protobuf.Any", "google.api.HttpBody"}


def _services():
    from satmon.detection.v1 import inference_service_pb2, scheduling_service_pb2
    from satmon.ops.v1 import ops_service_pb2
    from satmon.telemetry.v1 import routing_service_pb2

    for module in (routing_service_pb2, scheduling_service_pb2, inference_service_pb2, ops_service_pb2):
        yield from module.DESCRIPTOR.services_by_name.values()


def enum_values() -> dict[str, str]:
    """Each of our enums' full name -> the values an operator may type: the short aliases declared
    in proto/ (`eps`), else the full names, without the UNSPECIFIED zero."""
    from satmon.detection.v1 import job_pb2
    from satmon.ops.v1 import alert_pb2
    from satmon.telemetry.v1 import telemetry_pb2

    out = {}
    for module in (telemetry_pb2, job_pb2, alert_pb2):
        for enum in module.DESCRIPTOR.enum_types_by_name.values():
            prefix = re.sub(r"(?<!^)(?=[A-Z])", "_", enum.name).upper() + "_"  # JobState -> JOB_STATE_
            by_number: dict[int, list[str]] = {}
            for value in enum.values:
                if value.number:
                    by_number.setdefault(value.number, []).append(value.name)
            out[enum.full_name] = ", ".join(next((n.lower() for n in names if not n.startswith(prefix)), names[0])
                                            for _, names in sorted(by_number.items()))
    return out


def _schema(message: Descriptor, depth: int = 0) -> str:
    """A Lua table: each field's JSON and proto name -> true, or the table of its message."""
    entries = []
    for field in message.fields:
        nested = field.message_type
        looked_into = (field.type == FieldDescriptor.TYPE_MESSAGE and nested.full_name not in FREE_FORM
                       and not nested.GetOptions().map_entry and depth < 6)
        value = _schema(nested, depth + 1) if looked_into else "true"
        for name in dict.fromkeys((field.json_name, field.name)):
            entries.append(f'["{name}"] = {value}')
    return "{" + ", ".join(entries) + "}"


def _path_pattern(template: str) -> str:
    """/api/v1/alerts/{alert_id}/acknowledge -> a Lua pattern matching the whole path."""
    parts = re.split(r"(\{[^}]+\})", template)
    return "^" + "".join("[^/]+" if p.startswith("{") else re.sub(r"([^\w/])", r"%\1", p) for p in parts) + "$"


def body_rules() -> list[tuple[str, str, Descriptor]]:
    """(HTTP method, path pattern, body message) for every binding that takes a JSON body."""
    rules = []
    for service in _services():
        for method in service.methods:
            http = method.GetOptions().Extensions[annotations_pb2.http]
            for binding in (http, *http.additional_bindings):
                verb = binding.WhichOneof("pattern")
                if not binding.body or verb not in ("post", "put", "patch"):
                    continue
                message = method.input_type
                if binding.body != "*":
                    message = message.fields_by_name[binding.body].message_type
                    if message is None or message.full_name in FREE_FORM:
                        continue
                rules.append((verb.upper(), _path_pattern(getattr(binding, verb)), message))
    return rules


def rest_checks_lua(indent: int) -> str:
    """The Lua source, indented to sit under an `inline_string: |` in envoy.yaml."""
    valid = ",\n".join(f'  ["{name}"] = "{values}"' for name, values in sorted(enum_values().items()))
    schemas = ",\n".join(f'  {{"{verb}", "{pattern}", {_schema(message)}}}' for verb, pattern, message in body_rules())
    tables = f"ENUM_VALUES = {{\n{valid}\n}}\nBODY_SCHEMAS = {{\n{schemas}\n}}"
    source = (repo_root() / "envoy" / "rest_checks.lua").read_text().replace("@TABLES@", tables)
    return "\n".join((" " * indent + line) if line else "" for line in source.splitlines())
