from __future__ import annotations

import pytest

from satmon_core.config import load_settings
from satmon_core.errors import ConfigError


def test_missing_settings_are_all_named():
    with pytest.raises(ConfigError) as info:
        load_settings({"SATMON_VM_URL": "http://x"})
    message = str(info.value)
    for name in ("SATMON_KAFKA_BOOTSTRAP", "SATMON_AMQP_URL", "SATMON_PG_DSN", "SATMON_TRITON_URL"):
        assert name in message
    assert "SATMON_VM_URL" not in message


def test_topic_layout():
    settings = load_settings({"SATMON_KAFKA_BOOTSTRAP": "k", "SATMON_AMQP_URL": "a", "SATMON_PG_DSN": "p",
                              "SATMON_VM_URL": "v", "SATMON_TRITON_URL": "t"})
    assert settings.raw_topic == "satmon.telemetry.raw"
    assert settings.subsystem_topic("EPS") == "satmon.telemetry.eps"


def test_process_settings_are_read_once_here_and_malformed_ones_are_named():
    base = {"SATMON_KAFKA_BOOTSTRAP": "k", "SATMON_AMQP_URL": "a", "SATMON_PG_DSN": "p", "SATMON_VM_URL": "v",
            "SATMON_TRITON_URL": "t"}
    settings = load_settings({**base, "SATMON_AUTH": "off", "SATMON_WORKER_CONCURRENCY": "8",
                              "SATMON_WINDOW_SPECS": '{"eps": {"size": 30, "stride": 5}}'})
    assert (settings.auth_enabled, settings.worker_concurrency, settings.window_overrides) == (False, 8, (("eps", 30, 5),))
    assert load_settings(base).auth_enabled and load_settings(base).bind_host == "127.0.0.1"
    with pytest.raises(ConfigError) as info:
        load_settings({**base, "SATMON_WORKER_CONCURRENCY": "many", "SATMON_WINDOW_SPECS": "[1]"})
    assert "SATMON_WORKER_CONCURRENCY" in str(info.value) and "SATMON_WINDOW_SPECS" in str(info.value)
