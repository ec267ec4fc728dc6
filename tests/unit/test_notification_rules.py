"""Notification configuration and routing, without servers: the schema names the file and field,
routes match by satellite, subsystem, kind and severity, silences hold deliveries back in their time
window, grouping keys, the rate limit's next slot, retry backoff, and the message text."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from satmon_notifier.domain.config import AlertFacts, ConfigError, ContactPoint, NotificationConfig, load_config
from satmon_notifier.domain.messages import AlertLine, compose
from satmon_notifier.domain.routing import plan_deliveries, rate_limited_until, retry_delay_s

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=timezone.utc)

CONFIG = NotificationConfig.model_validate({
    "contact_points": {"mail": {"urls": ["mailto://a@b"]}, "hook": {"urls": ["json://h/x"]}},
    "routes": [
        {"name": "critical", "match": {"min_severity": "critical"}, "contact_points": ["mail", "hook"],
         "group_by": ["satellite"], "group_wait_s": 30},
        {"name": "power-limits", "match": {"satellites": ["SAT-1*"], "subsystems": ["power"], "kinds": ["limit"]},
         "contact_points": ["hook"], "group_by": ["satellite", "subsystem"], "group_wait_s": 0},
    ],
    "silences": [{"name": "sat-105-test", "match": {"satellites": ["SAT-105"]},
                  "starts": "2026-12-05T11:00:00Z", "ends": "2026-12-05T13:00:00Z"}],
})


def _alert(satellite="SAT-101", subsystem="power", kind="limit", severity="warning", alert_id=7) -> AlertFacts:
    return AlertFacts(alert_id=alert_id, satellite=satellite, subsystem=subsystem, kind=kind, severity=severity)


def test_routes_match_by_satellite_pattern_subsystem_kind_and_least_severity():
    planned = plan_deliveries(CONFIG, _alert(), NOW)
    assert [(p.route, p.contact_point, p.group_key, p.due_at) for p in planned] == [
        ("power-limits", "hook", "satellite=SAT-101/subsystem=power", NOW)]
    critical = plan_deliveries(CONFIG, _alert(severity="critical"), NOW)
    assert [(p.route, p.contact_point) for p in critical] == [
        ("critical", "mail"), ("critical", "hook"), ("power-limits", "hook")]
    assert critical[0].due_at == NOW + timedelta(seconds=30) and critical[0].group_key == "satellite=SAT-101"
    assert plan_deliveries(CONFIG, _alert(satellite="SAT-201"), NOW) == []  # outside SAT-1*
    assert plan_deliveries(CONFIG, _alert(kind="model"), NOW) == []  # a warning model alert: no route
    assert plan_deliveries(CONFIG, _alert(subsystem="thermal"), NOW) == []


def test_a_silence_holds_back_what_it_covers_only_inside_its_window():
    silenced = plan_deliveries(CONFIG, _alert(satellite="SAT-105"), NOW)
    assert [(p.route, p.silence) for p in silenced] == [("power-limits", "sat-105-test")]
    after = plan_deliveries(CONFIG, _alert(satellite="SAT-105"), NOW + timedelta(hours=2))
    assert [p.silence for p in after] == [""]
    assert [p.silence for p in plan_deliveries(CONFIG, _alert(satellite="SAT-104"), NOW)] == [""]


def test_the_rate_limit_gives_the_time_the_oldest_message_in_the_window_leaves_it():
    sent = [NOW - timedelta(seconds=s) for s in (50, 30, 10)]
    assert rate_limited_until(sent, messages=4, per_s=60, now=NOW) is None
    assert rate_limited_until(sent, messages=3, per_s=60, now=NOW) == NOW + timedelta(seconds=10)
    assert rate_limited_until(sent, messages=2, per_s=60, now=NOW) == NOW + timedelta(seconds=30)
    assert rate_limited_until(sent, messages=1, per_s=20, now=NOW) == NOW + timedelta(seconds=10)


def test_retries_back_off_from_5_s_to_at_most_5_minutes():
    assert [retry_delay_s(n) for n in (1, 2, 3, 4, 7, 20)] == [5, 10, 20, 40, 300, 300]


def _write(tmp_path, text: str):
    path = tmp_path / "notifications.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("text, field", [
    ("routes: [{name: r, contact_points: [nobody]}]", "names contact point 'nobody'"),
    ("contact_points: {m: {urls: []}}", "contact_points.m.urls"),
    ("routes: [{name: r, contact_points: [m], match: {min_severity: loud}}]\ncontact_points: {m: {urls: [x]}}",
     "routes.0.match.min_severity"),
    ("routes: [{name: r, contact_points: [m], group_by: [colour]}]\ncontact_points: {m: {urls: [x]}}",
     "routes.0.group_by.0"),
    ("silences: [{name: s, starts: 2026-12-05T10:00:00, ends: 2026-12-05T11:00:00Z}]", "silences.0.starts"),
    ("silences: [{name: s, starts: 2026-12-05T12:00:00Z, ends: 2026-12-05T11:00:00Z}]", "ends must be after starts"),
    ("route: []", "route: Extra inputs are not permitted"),
    ("routes: [", "not valid YAML"),
])
def test_a_bad_file_is_refused_with_the_file_and_the_field(tmp_path, text, field):
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    assert str(path) in str(refused.value) and field in str(refused.value)


def test_a_missing_file_routes_nothing(tmp_path):
    assert load_config(tmp_path / "absent.yaml") == NotificationConfig()


def test_secrets_come_from_the_environment_and_a_missing_one_is_named():
    point = ContactPoint(urls=["mailtos://ops:${SMTP_PASSWORD}@mail.example.org"])
    assert point.resolved_urls({"SMTP_PASSWORD": "s3cret"}) == ["mailtos://ops:s3cret@mail.example.org"]
    with pytest.raises(ConfigError, match="SMTP_PASSWORD"):
        point.resolved_urls({})


def test_a_message_names_the_worst_severity_every_alert_and_its_trend_link():
    start = datetime(2026, 12, 5, 11, 58, 0, tzinfo=timezone.utc)
    lines = [AlertLine(12, "raised", "warning", "limit", "SAT-101", "power", "battery_soc", start, "open",
                       "http://dash/#/trends?satellite=SAT-101", offending_value=22.0, limit_value=30.0),
             AlertLine(13, "escalated", "critical", "model", "SAT-101", "thermal", "", start, "open",
                       "http://dash/#/trends?satellite=SAT-101&subsystem=thermal", peak_score=0.8123)]
    message = compose("critical", lines)
    assert message.title == "[satmon CRITICAL] 2 alerts on SAT-101"
    assert "limit alert #12 raised: warning on SAT-101 power battery_soc, value 22 beyond limit 30" in message.body
    assert "model alert #13 escalated: critical on SAT-101 thermal, peak score 0.812" in message.body
    assert message.body.count("trend: http://dash/#/trends?satellite=SAT-101") == 2
