"""Request rules declared in the protos (buf.validate annotations), checked before any servicer runs.

`violations` lists every broken rule of a message with the field's path as operators see it in
BadRequest details (`records[1].satellite_id`, `metadata["satellite_id"]`); the one server
interceptor (satmon_core.grpc_errors.ServiceInterceptor) rejects such requests with
INVALID_ARGUMENT before the servicer sees them.
"""

from __future__ import annotations

import protovalidate
from google.protobuf.message import Message

__all__ = ["violations", "field_path"]

_VALIDATOR = protovalidate.Validator()  # caches compiled rules per message type


def field_path(path) -> str:
    """`records[1].satellite_id` from a buf.validate FieldPath."""
    parts = []
    for element in path.elements:
        part = element.field_name
        if element.HasField("index"):
            part += f"[{element.index}]"
        elif element.HasField("string_key"):
            part += f'["{element.string_key}"]'
        parts.append(part)
    return ".".join(parts)


def violations(message: Message) -> list[tuple[str, str]]:
    """(field path, description) for every declared rule the message breaks; empty when valid."""
    return [(field_path(v.proto.field), v.proto.message) for v in _VALIDATOR.collect_violations(message)]
