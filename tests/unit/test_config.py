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
