"""Typed, frozen settings read once from the environment.

`satmon up` writes every variable below for the services it starts; a service
started any other way must be given them too. Missing variables are reported
all at once, by name.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from satmon_core.errors import ConfigError
from satmon_core.paths import data_dir, repo_root

__all__ = ["Settings", "load_settings", "notifications_file", "REQUIRED_VARIABLES"]

REQUIRED_VARIABLES = (
    "SATMON_KAFKA_BOOTSTRAP",
    "SATMON_AMQP_URL",
    "SATMON_PG_DSN",
    "SATMON_VM_URL",
    "SATMON_TRITON_URL",
)


@dataclass(frozen=True)
class Settings:
    kafka_bootstrap: str
    amqp_url: str
    pg_dsn: str
    vm_url: str
    triton_url: str
    data_dir: Path
    grpc_port: int
    metrics_port: int
    topic_prefix: str
    bind_host: str = "127.0.0.1"      # SATMON_BIND_HOST (compose sets 0.0.0.0)
    log_level: str = "INFO"           # SATMON_LOG_LEVEL
    auth_enabled: bool = True         # SATMON_AUTH=off turns bearer-token checks off (local experiments)
    worker_concurrency: int = 4       # SATMON_WORKER_CONCURRENCY: the worker's Celery threads
    window_overrides: tuple[tuple[str, int, int], ...] = ()  # SATMON_WINDOW_SPECS: (subsystem, size, stride)
    # SATMON_NOTIFICATIONS: contact points, routes and silences (services/notifier); the notifier
    # rereads it when it changes.
    notifications_file: Path = Path("config/notifications.yaml")

    @property
    def raw_topic(self) -> str:
        return f"{self.topic_prefix}telemetry.raw"

    def subsystem_topic(self, subsystem_name: str) -> str:
        return f"{self.topic_prefix}telemetry.{subsystem_name.lower()}"

    @property
    def results_topic(self) -> str:
        return f"{self.topic_prefix}inference.results"

    @property
    def jobs_topic(self) -> str:
        return f"{self.topic_prefix}inference.jobs"

    @property
    def dead_letter_topic(self) -> str:
        return f"{self.topic_prefix}deadletter"

    @property
    def ground_truth_topic(self) -> str:
        return f"{self.topic_prefix}groundtruth"


def _port(env: Mapping[str, str], name: str, default: int, problems: list[str]) -> int:
    raw = env.get(name, str(default))
    try:
        return int(raw)
    except ValueError:
        problems.append(f"{name}={raw!r} is not a port number")
        return default


def _count(env: Mapping[str, str], name: str, default: int, problems: list[str]) -> int:
    raw = env.get(name, str(default))
    if not raw.isdigit() or int(raw) < 1:
        problems.append(f"{name}={raw!r} is not a positive whole number")
        return default
    return int(raw)


def _window_overrides(env: Mapping[str, str], problems: list[str]) -> tuple[tuple[str, int, int], ...]:
    """SATMON_WINDOW_SPECS='{"eps": {"size": 30, "stride": 5}}': windows that differ from the mission
    database's, by subsystem name (for experiments; the mission database is where windows live)."""
    raw = env.get("SATMON_WINDOW_SPECS", "")
    if not raw:
        return ()
    try:
        return tuple((name, int(spec["size"]), int(spec["stride"])) for name, spec in json.loads(raw).items())
    except (ValueError, TypeError, KeyError, AttributeError):
        problems.append(f"SATMON_WINDOW_SPECS={raw!r} is not a JSON object of {{subsystem: {{size, stride}}}}")
        return ()


def notifications_file(env: Mapping[str, str] | None = None) -> Path:
    """SATMON_NOTIFICATIONS, or the repository's config/notifications.yaml."""
    env = os.environ if env is None else env
    return Path(env.get("SATMON_NOTIFICATIONS") or repo_root() / "config" / "notifications.yaml")


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Reads the settings, raising ConfigError that names every missing or malformed variable."""
    env = os.environ if env is None else env
    problems = [f"{name} is not set" for name in REQUIRED_VARIABLES if not env.get(name)]
    grpc_port = _port(env, "SATMON_GRPC_PORT", 0, problems)
    metrics_port = _port(env, "SATMON_METRICS_PORT", 0, problems)
    worker_concurrency = _count(env, "SATMON_WORKER_CONCURRENCY", 4, problems)
    window_overrides = _window_overrides(env, problems)
    if problems:
        raise ConfigError("; ".join(problems))
    return Settings(
        kafka_bootstrap=env["SATMON_KAFKA_BOOTSTRAP"],
        amqp_url=env["SATMON_AMQP_URL"],
        pg_dsn=env["SATMON_PG_DSN"],
        vm_url=env["SATMON_VM_URL"].rstrip("/"),
        triton_url=env["SATMON_TRITON_URL"],
        data_dir=Path(env["SATMON_DATA_DIR"]) if env.get("SATMON_DATA_DIR") else data_dir(),
        grpc_port=grpc_port,
        metrics_port=metrics_port,
        topic_prefix=env.get("SATMON_TOPIC_PREFIX", "satmon."),
        bind_host=env.get("SATMON_BIND_HOST", "127.0.0.1"),
        log_level=env.get("SATMON_LOG_LEVEL", "INFO"),
        auth_enabled=env.get("SATMON_AUTH", "on").lower() not in ("off", "0", "false"),
        worker_concurrency=worker_concurrency,
        window_overrides=window_overrides,
        notifications_file=notifications_file(env),
    )
