"""compose.yaml runs Kafka, PostgreSQL and VictoriaMetrics with the settings the local stack uses
(`satmon_cli.stack.server_flags`), so a behaviour measured or tested on one holds on the other."""

from __future__ import annotations

import pytest
import yaml

from satmon_cli.stack.components import kafka, postgres, victoria_metrics
from satmon_cli.stack.server_flags import (KAFKA_PROPERTIES, POSTGRES_SETTINGS, VICTORIA_METRICS_FLAGS,
                                           kafka_environment_name)
from satmon_core.paths import repo_root


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((repo_root() / "compose.yaml").read_text())["services"]


def test_compose_kafka_sets_every_shared_property(compose):
    environment = {name: str(value) for name, value in compose["kafka"]["environment"].items()}
    assert {kafka_environment_name(name): value for name, value in KAFKA_PROPERTIES.items()}.items() <= environment.items()


def test_compose_postgres_sets_every_shared_setting(compose):
    command = compose["postgres"]["command"]
    assert command[0] == "postgres"
    given = dict(value.split("=", 1) for flag, value in zip(command[1::2], command[2::2]) if flag == "-c")
    assert POSTGRES_SETTINGS.items() <= given.items()


def test_compose_victoria_metrics_sets_every_shared_flag(compose):
    assert set(VICTORIA_METRICS_FLAGS) <= set(compose["victoria-metrics"]["command"])


def test_the_local_stack_builds_its_servers_from_the_same_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("SATMON_HOME", str(tmp_path))
    monkeypatch.setattr(postgres, "_dir", lambda: tmp_path / "postgres")  # as root it would be made outside
    properties = kafka._properties().splitlines()
    assert all(f"{name}={value}" in properties for name, value in KAFKA_PROPERTIES.items())
    argv = postgres.POSTGRES.argv()
    assert all(f"{name}={value}" in argv for name, value in POSTGRES_SETTINGS.items())
    assert set(VICTORIA_METRICS_FLAGS) <= set(victoria_metrics.VICTORIA_METRICS.argv())


@pytest.mark.parametrize(("name", "variable"), [
    ("log.retention.hours", "KAFKA_LOG_RETENTION_HOURS"),
    ("num_things", "KAFKA_NUM__THINGS"),
    ("some-name.x", "KAFKA_SOME___NAME_X"),
])
def test_kafka_environment_names_follow_the_apache_kafka_image(name, variable):
    assert kafka_environment_name(name) == variable
