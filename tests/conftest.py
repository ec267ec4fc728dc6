"""Shared fixtures: the real stack (started by `satmon up` on shifted ports) and an OTLP sink.

The stack runs with fresh state in .satmon-test/ and every port moved by +2000 so a
developer's own `satmon up` can keep running beside the tests. It is started
once per session, only when a test asks for it, and stopped at the end.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from satmon_cli.stack.layout import PORTS
from tests.support.otlp_sink import OtlpSink

REPO = Path(__file__).resolve().parents[1]
# Another shift and home let a second suite (another worktree) run beside this one.
PORT_SHIFT = int(os.environ.get("SATMON_TEST_PORT_SHIFT", "2000"))
TEST_HOME = Path(os.environ.get("SATMON_TEST_HOME", REPO / ".satmon-test"))


def _test_env(otlp_port: int) -> dict[str, str]:
    env = {f"SATMON_PORT_{name.upper().replace('-', '_')}": str(port + PORT_SHIFT) for name, port in PORTS.items()}
    env.update({
        "SATMON_HOME": str(TEST_HOME),
        # The test stack's notifier reads its routes here; tests/e2e/test_notifications.py writes it.
        "SATMON_NOTIFICATIONS": str(TEST_HOME / "notifications.yaml"),
        "OTEL_TRACES_EXPORTER": "otlp",
        "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{otlp_port}",
        "OTEL_EXPORTER_OTLP_INSECURE": "true",
        "OTEL_BSP_SCHEDULE_DELAY": "200",
    })
    return env


@pytest.fixture(scope="session")
def otlp_sink():
    sink = OtlpSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture(scope="session")
def stack(otlp_sink):
    """Starts every component; yields the SATMON_* environment pointing at it."""
    env = _test_env(otlp_sink.port)
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    satmon = [sys.executable, "-m", "satmon_cli.main"]
    subprocess.run([*satmon, "down"], env=os.environ.copy(), capture_output=True, timeout=300)
    shutil.rmtree(env["SATMON_HOME"], ignore_errors=True)  # every session starts from empty stores
    up = subprocess.run([*satmon, "up"], env=os.environ.copy(), capture_output=True, text=True, timeout=600)
    if up.returncode != 0:
        subprocess.run([*satmon, "down"], env=os.environ.copy(), timeout=300)
        pytest.fail(f"satmon up failed:\n{up.stdout}\n{up.stderr}")
    from satmon_cli.stack.layout import service_env

    service = service_env()
    os.environ.update(service)
    try:
        yield service
    finally:
        subprocess.run([*satmon, "down"], env=os.environ.copy(), capture_output=True, timeout=300)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="session")
def tokens(stack) -> dict[str, str]:
    """An operator and a viewer token, issued the way operators get them."""
    out = {}
    for role in ("operator", "viewer"):
        result = subprocess.run([sys.executable, "-m", "satmon_cli.main", "token", "create", "--name", f"test-{role}",
                                 "--role", role], env=os.environ.copy(), capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        out[role] = result.stdout.strip()
    return out
