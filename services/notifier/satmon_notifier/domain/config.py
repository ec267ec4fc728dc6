"""The notification configuration: contact points, routing rules and silences, one YAML file
(`SATMON_NOTIFICATIONS`, default config/notifications.yaml), checked by a pydantic schema.

    dashboard_url: http://127.0.0.1:8080/        # links in messages open the alert's trend here
    contact_points:
      ops-mail: {urls: ["mailto://satmon@127.0.0.1:2525?to=ops@example.org"]}
      ops-hook: {urls: ["json://127.0.0.1:9000/alerts"]}
    routes:
      - name: critical-power
        match: {satellites: ["SAT-*"], subsystems: [power, eps], kinds: [limit, model], min_severity: critical}
        contact_points: [ops-mail, ops-hook]
        group_by: [satellite]     # one message per satellite and group_wait_s
        group_wait_s: 30
        rate_limit: {messages: 10, per_s: 3600}
    silences:
      - name: sat-003-maintenance
        match: {satellites: [SAT-003]}
        starts: 2026-12-05T10:00:00Z
        ends: 2026-12-05T14:00:00Z
        comment: planned safe-mode test

Contact points are Apprise URLs (https://github.com/caronc/apprise/wiki: email, webhooks, Slack,
Teams and many more). `${NAME}` in a URL is replaced by the environment variable NAME, so secrets
stay out of the file. Errors name the file and the field.
"""

from __future__ import annotations

import fnmatch
import os
import re
from datetime import datetime
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

__all__ = ["SEVERITIES", "GROUP_FIELDS", "Match", "ContactPoint", "RateLimit", "Route", "Silence",
           "NotificationConfig", "ConfigError", "load_config", "AlertFacts"]

SEVERITIES = ("warning", "critical")  # lowest first
GROUP_FIELDS = ("satellite", "subsystem", "kind", "severity", "alert")
_ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"


class ConfigError(ValueError):
    """The file cannot be used; the message names the file and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AlertFacts(_Strict):
    """What routing and silences look at in an alert."""

    alert_id: int
    satellite: str
    subsystem: str
    kind: str  # "model" or "limit"
    severity: str
    parameter: str = ""


class Match(_Strict):
    """Which alerts a route or silence covers. An empty list matches everything; names are
    shell-style patterns (SAT-*)."""

    satellites: list[str] = []
    subsystems: list[str] = []
    kinds: list[Literal["model", "limit"]] = []
    min_severity: Literal["warning", "critical"] = "warning"

    def covers(self, alert: AlertFacts) -> bool:
        return (_any(self.satellites, alert.satellite) and _any(self.subsystems, alert.subsystem)
                and (not self.kinds or alert.kind in self.kinds)
                and SEVERITIES.index(alert.severity) >= SEVERITIES.index(self.min_severity))


def _any(patterns: list[str], value: str) -> bool:
    return not patterns or any(fnmatch.fnmatchcase(value, pattern) for pattern in patterns)


class ContactPoint(_Strict):
    urls: list[str] = Field(min_length=1)
    description: str = ""

    def resolved_urls(self, environ: dict[str, str] | os._Environ = os.environ) -> list[str]:
        """The URLs with `${NAME}` replaced from the environment (a missing variable is an error)."""

        def value(found: re.Match) -> str:
            if found.group(1) not in environ:
                raise ConfigError(f"environment variable {found.group(1)} (used in a contact point URL) is not set")
            return environ[found.group(1)]

        return [_ENV_REFERENCE.sub(value, url) for url in self.urls]


class RateLimit(_Strict):
    """At most `messages` messages per route and contact point in any `per_s` seconds; deliveries
    beyond it wait, and go out together in the next message the limit allows."""

    messages: int = Field(ge=1)
    per_s: float = Field(gt=0)


class Route(_Strict):
    name: str = Field(pattern=_NAME)
    match: Match = Match()
    contact_points: list[str] = Field(min_length=1)
    group_by: list[Literal["satellite", "subsystem", "kind", "severity", "alert"]] = ["satellite"]
    group_wait_s: float = Field(default=10.0, ge=0)
    rate_limit: RateLimit | None = None

    def group_key(self, alert: AlertFacts) -> str:
        values = {"satellite": alert.satellite, "subsystem": alert.subsystem, "kind": alert.kind,
                  "severity": alert.severity, "alert": str(alert.alert_id)}
        return "/".join(f"{field}={values[field]}" for field in self.group_by)


class Silence(_Strict):
    name: str = Field(pattern=_NAME)
    match: Match = Match()
    starts: datetime
    ends: datetime
    comment: str = ""

    @field_validator("starts", "ends")
    @classmethod
    def _with_zone(cls, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            raise ValueError("needs a time zone (for example 2026-12-05T10:00:00Z)")
        return moment

    @model_validator(mode="after")
    def _ends_after_start(self) -> "Silence":
        if self.ends <= self.starts:
            raise ValueError("ends must be after starts")
        return self

    def silences(self, alert: AlertFacts, now: datetime) -> bool:
        return self.starts <= now < self.ends and self.match.covers(alert)


class NotificationConfig(_Strict):
    dashboard_url: str = "http://127.0.0.1:8080/"
    contact_points: dict[str, ContactPoint] = {}
    routes: list[Route] = []
    silences: list[Silence] = []

    @model_validator(mode="after")
    def _references_exist(self) -> "NotificationConfig":
        for name in self.contact_points:
            if not re.match(_NAME, name):
                raise ValueError(f"contact point name {name!r} must match {_NAME}")
        seen: set[str] = set()
        for route in self.routes:
            if route.name in seen:
                raise ValueError(f"route name {route.name!r} is used twice")
            seen.add(route.name)
            for name in route.contact_points:
                if name not in self.contact_points:
                    raise ValueError(f"route {route.name!r} names contact point {name!r}, which is not declared")
        return self

    def contact_point(self, name: str) -> ContactPoint | None:
        return self.contact_points.get(name)


def load_config(path: Path) -> NotificationConfig:
    """Reads and checks the file. A missing file is an empty configuration (nothing is routed)."""
    if not path.exists():
        return NotificationConfig()
    try:
        raw = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    try:
        return NotificationConfig.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(part) for part in error['loc']) or '(top)'}: {error['msg']}"
                             for error in exc.errors())
        raise ConfigError(f"{path}: {problems}") from exc
