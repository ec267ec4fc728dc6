"""Request checks every satmon RPC gets from one server interceptor, before its servicer runs."""

from __future__ import annotations

import grpc
from google.protobuf.message import Message

from satmon_core.grpc_errors import abort_invalid
from satmon_core.identifiers import SATELLITE_ID_PATTERN, is_valid_satellite_id

__all__ = ["IdentifierInterceptor", "invalid_satellite_id_fields"]


def invalid_satellite_id_fields(message: Message, prefix: str = "") -> list[str]:
    """Paths (e.g. `records[2].satellite_id`) of every non-empty satellite_id in a message that is
    not a valid id, at any depth."""
    bad: list[str] = []
    for field, value in message.ListFields():
        path = f"{prefix}{field.name}"
        if field.name == "satellite_id" and isinstance(value, str):
            if value and not is_valid_satellite_id(value):
                bad.append(path)
        elif field.message_type is not None and not field.message_type.GetOptions().map_entry:
            if field.is_repeated:
                for i, item in enumerate(value):
                    bad += invalid_satellite_id_fields(item, f"{path}[{i}].")
            else:
                bad += invalid_satellite_id_fields(value, f"{path}.")
    return bad


class IdentifierInterceptor(grpc.ServerInterceptor):
    """Rejects any unary request carrying an invalid satellite id, naming the field."""

    def intercept_service(self, continuation, handler_call_details):
        handler = continuation(handler_call_details)
        if handler is None or handler.request_streaming:
            return handler

        def checked(behaviour):
            def call(request, context):
                bad = invalid_satellite_id_fields(request)
                if bad:
                    abort_invalid(context, bad[0], f"must match {SATELLITE_ID_PATTERN.pattern}")
                return behaviour(request, context)
            return call

        if handler.response_streaming:
            return grpc.unary_stream_rpc_method_handler(checked(handler.unary_stream),
                                                        request_deserializer=handler.request_deserializer,
                                                        response_serializer=handler.response_serializer)
        return grpc.unary_unary_rpc_method_handler(checked(handler.unary_unary),
                                                   request_deserializer=handler.request_deserializer,
                                                   response_serializer=handler.response_serializer)
