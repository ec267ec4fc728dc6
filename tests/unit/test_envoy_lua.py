"""The tables envoy/rest_checks.lua is rendered with, generated from the protos."""

from __future__ import annotations

import re

from satmon_cli.envoy_lua import _path_pattern, body_rules, enum_values, rest_checks_lua


def _lua_match(pattern: str, path: str) -> bool:
    """Lua's `%x` escapes and `[^/]+` as a Python regex (enough for the patterns we generate)."""
    return re.fullmatch(re.sub(r"%(.)", lambda m: re.escape(m.group(1)), pattern).strip("^$"), path) is not None


def test_path_templates_become_whole_path_patterns():
    pattern = _path_pattern("/v1/alerts/{alert_id}:acknowledge")
    assert pattern == "^/v1/alerts/[^/]+%:acknowledge$"
    assert _lua_match(pattern, "/v1/alerts/42:acknowledge")
    assert not _lua_match(pattern, "/v1/alerts/42/x:acknowledge")


def test_every_rest_body_is_checked_with_its_message():
    rules = {(verb, pattern): message.full_name for verb, pattern, message in body_rules()}
    assert rules[("POST", "^/api/v1/inference/submit$")] == "satmon.detection.v1.SubmitInferenceJobRequest"
    assert rules[("POST", "^/api/v1/alerts/[^/]+/acknowledge$")] == "satmon.ops.v1.AcknowledgeAlertRequest"
    assert rules[("POST", "^/api/v1/alerts/[^/]+/resolve$")] == "satmon.ops.v1.ResolveAlertRequest"
    assert all(verb in ("POST", "PUT", "PATCH") for verb, _ in rules)


def test_the_rendered_schema_knows_both_names_and_nested_fields_and_leaves_free_form_values_alone():
    lua = rest_checks_lua(indent=0)
    submit = next(line for line in lua.splitlines() if '"^/api/v1/inference/submit$"' in line)
    assert '["windowSize"] = true' in submit and '["window_size"] = true' in submit  # config, nested
    assert '["data"] = true' in submit  # a google.protobuf.ListValue: any JSON array
    assert '["metadata"] = true' in submit  # a map: any keys


def test_enum_values_are_the_short_names_an_operator_types():
    assert enum_values()["satmon.detection.v1.JobState"] == "pending, processing, completed, failed"
