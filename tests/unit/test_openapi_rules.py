"""The OpenAPI document declares the request rules the server enforces, so generated clients obey them."""

from __future__ import annotations

import json
from pathlib import Path

from satmon_cli.codegen import OPENAPI_FILE

REPO = Path(__file__).resolve().parents[2]
DOCUMENT = json.loads((REPO / OPENAPI_FILE).read_text())


def _parameter(path: str, name: str, verb: str = "get") -> dict:
    return next(p for p in DOCUMENT["paths"][path][verb]["parameters"] if p["name"] == name)


def test_page_sizes_cannot_be_negative_and_satellite_ids_follow_the_servers_pattern():
    from satmon_core.identifiers import SATELLITE_ID_PATTERN

    assert _parameter("/api/v1/alerts", "pageSize")["minimum"] == 0
    assert _parameter("/api/v1/alerts", "satelliteId")["pattern"] == f"^{SATELLITE_ID_PATTERN.pattern}$"


def test_required_fields_are_required_and_every_binding_of_a_method_gets_its_rules():
    for path in ("/v1/trends:raw", "/api/v1/trends/raw"):  # the rule and its additional binding
        satellite = _parameter(path, "satelliteId")
        assert satellite["required"] is True and satellite["pattern"].startswith("^[A-Za-z0-9]")
        assert _parameter(path, "parameters")["items"]["pattern"] == "^[a-z][a-z0-9_]{0,31}$"


def test_request_bodies_carry_their_limits():
    body = DOCUMENT["definitions"]["OpsServiceResolveAlertBody"]["properties"]
    assert body["comment"]["maxLength"] == 2000 and body["tags"]["maxItems"] == 20
