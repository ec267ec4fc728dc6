"""Typed, frozen settings read once from the environment.

`satmon up` writes every variable below for the services it starts; a service
started any other way must be given them too. Missing variables are reported
all at once, by name.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from satmon_core.errors import ConfigError
from satmon_core.paths import data_dir

__all__ = ["Settings", "load_settings", "REQUIRED_VARIABLES"]

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


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Reads the settings, raising ConfigError that names every missing variable."""
    env = os.environ if env is None else env
    problems = [f"{name} is not set" for name in REQUIRED_VARIABLES if not env.get(name)]
    grpc_port = _port(env, "SATMON_GRPC_PORT", 0, problems)
    metrics_port = _port(env, "SATMON_METRICS_PORT", 0, problems)
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
    )
