"""The request rules the server enforces (`buf.validate` field rules), declared in the OpenAPI document.

protoc-gen-openapiv2 does not read protovalidate's rules, so a client generated from its document
would send requests the server refuses (`pageSize=-1`, an id outside the pattern). This reads the
rules from the same descriptors and writes them into the operations' parameters and request
bodies as Swagger 2.0 keywords: pattern, minLength/maxLength, minimum/maximum (exclusive where the
rule is), maxItems, item patterns, and `required`.
"""

from __future__ import annotations

from collections.abc import Iterable

from google.protobuf import descriptor_pb2

__all__ = ["declare_rules"]

_NUMERIC = ("int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64", "sfixed32",
            "sfixed64", "float", "double")


def _rules(field: descriptor_pb2.FieldDescriptorProto):
    from buf.validate import validate_pb2  # registers the extension with protobuf's default pool

    options = descriptor_pb2.FieldOptions.FromString(field.options.SerializeToString())
    return options.Extensions[validate_pb2.field] if options.HasExtension(validate_pb2.field) else None


def _scalar_keywords(rules) -> dict:
    """Swagger keywords of one value's rules (a string's or a number's)."""
    out: dict = {}
    kind = rules.WhichOneof("type")
    if kind == "string":
        s = rules.string
        if s.HasField("pattern"):
            out["pattern"] = s.pattern
        if s.HasField("min_len"):
            out["minLength"] = s.min_len
        if s.HasField("max_len"):
            out["maxLength"] = s.max_len
    elif kind in _NUMERIC:
        n = getattr(rules, kind)
        for bound, keyword, exclusive in (("gte", "minimum", False), ("gt", "minimum", True),
                                          ("lte", "maximum", False), ("lt", "maximum", True)):
            if n.HasField(bound):
                out[keyword] = getattr(n, bound)
                if exclusive:
                    out[f"exclusive{keyword.capitalize()}"] = True
    return out


def _keywords(field: descriptor_pb2.FieldDescriptorProto) -> tuple[dict, bool]:
    """(Swagger keywords, required) for a field's rules."""
    rules = _rules(field)
    if rules is None:
        return {}, False
    out = _scalar_keywords(rules)
    if rules.WhichOneof("type") == "repeated":
        repeated = rules.repeated
        if repeated.HasField("max_items"):
            out["maxItems"] = repeated.max_items
        if repeated.HasField("items"):
            items = _scalar_keywords(repeated.items)
            if items:
                out["items"] = items
    return out, rules.required


def _apply(target: dict, keywords: dict) -> None:
    for key, value in keywords.items():
        if key == "items" and isinstance(target.get("items"), dict):
            target["items"].update(value)
        else:
            target[key] = value


def declare_rules(document: dict, files: Iterable[descriptor_pb2.FileDescriptorProto]) -> None:
    """Adds the rules of each operation's request fields to `document` (in place)."""
    messages: dict[str, descriptor_pb2.DescriptorProto] = {}
    inputs: dict[str, str] = {}  # operationId (Service_Method) -> input message full name

    def collect(prefix: str, message: descriptor_pb2.DescriptorProto) -> None:
        messages[f"{prefix}.{message.name}"] = message
        for nested in message.nested_type:
            collect(f"{prefix}.{message.name}", nested)

    for f in files:
        for message in f.message_type:
            collect(f".{f.package}", message)
        for service in f.service:
            for method in service.method:
                inputs[f"{service.name}_{method.name}"] = method.input_type

    def field_at(message_name: str, dotted: str) -> descriptor_pb2.FieldDescriptorProto | None:
        message = messages.get(message_name)
        field = None
        for part in dotted.split("."):
            if message is None:
                return None
            field = next((fd for fd in message.field if part in (fd.json_name, fd.name)), None)
            if field is None:
                return None
            message = messages.get(field.type_name) if field.type_name else None
        return field

    for path in document.get("paths", {}).values():
        for operation in path.values():
            # An additional binding's operation is the method's id with a counter (ListJobs2, ListJobs3).
            message_name = inputs.get(operation.get("operationId", "").rstrip("0123456789"))
            if message_name is None:
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "body":
                    ref = parameter.get("schema", {}).get("$ref", "")
                    body = document["definitions"].get(ref.rsplit("/", 1)[-1]) if ref else None
                    for name, prop in (body or {}).get("properties", {}).items():
                        if (field := field_at(message_name, name)) is not None:
                            keywords, required = _keywords(field)
                            _apply(prop, keywords)
                            if required:
                                body.setdefault("required", [])
                                if name not in body["required"]:
                                    body["required"].append(name)
                    continue
                if (field := field_at(message_name, parameter["name"])) is not None:
                    keywords, required = _keywords(field)
                    _apply(parameter, keywords)
                    if required:
                        parameter["required"] = True
