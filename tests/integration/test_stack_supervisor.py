"""`satmon up` failures give one clear line and leave nothing half-started; `down` leaves nothing."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from satmon_cli.stack.components import delete_state
from satmon_cli.stack.layout import PORTS

REPO = Path(__file__).resolve().parents[2]
SHIFT = 3000  # away from a developer's stack (+0) and the test session's (+2000)


@pytest.fixture
def home(request):
    """State under the repository: PostgreSQL and RabbitMQ run as their own users and must reach it
    (pytest's tmp_path is private to root)."""
    path = REPO / ".satmon-test" / f"supervisor-{request.node.name[:40]}"
    shutil.rmtree(path, ignore_errors=True)
    yield path
    delete_state(path)  # with PostgreSQL's and RabbitMQ's folders under /var/lib/satmon when we are root


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "SATMON_HOME": str(home), "OTEL_TRACES_EXPORTER": "none", **extra}
    env.update({f"SATMON_PORT_{n.upper().replace('-', '_')}": str(p + SHIFT) for n, p in PORTS.items()})
    return env


def _satmon(env, *args, timeout=300):
    return subprocess.run([sys.executable, "-m", "satmon_cli.main", *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


def _our_processes(home: Path) -> list[int]:
    """PIDs whose environment names this SATMON_HOME: anything we started and left behind."""
    marker = f"SATMON_HOME={home}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if marker in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_missing_executable_is_named_and_nothing_starts(home):
    env = _env(home, PATH=str(Path(sys.executable).parent))  # no /usr/bin: no victoria-metrics, epmd
    result = _satmon(env, "up")
    assert result.returncode == 1
    assert "missing:" in result.stderr and "victoria-metrics" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert _our_processes(home) == []


def _path_without(tmp_path: Path, name: str) -> str:
    """A PATH with every executable of this one but `name` (linked into one folder)."""
    bin_dir = tmp_path / f"bin-without-{name}"
    bin_dir.mkdir()
    for folder in os.environ["PATH"].split(os.pathsep):
        for tool in Path(folder).glob("*") if Path(folder).is_dir() else ():
            if tool.name != name and not (bin_dir / tool.name).exists():
                (bin_dir / tool.name).symlink_to(tool)
    return str(bin_dir)


def test_missing_java_is_named_and_nothing_starts(home, tmp_path):
    result = _satmon(_env(home, PATH=_path_without(tmp_path, "java")), "up", "kafka")
    assert result.returncode == 1
    assert result.stderr.strip() == "satmon: missing: a Java 17+ runtime (java) (run ./scripts/install.sh)"
    assert _our_processes(home) == []


def test_unresolvable_kafka_jars_give_one_line_naming_maven(home, tmp_path):
    """No jars in the cache and no Maven to resolve them: one line, non-zero, nothing left running."""
    result = _satmon(_env(home, SATMON_CACHE_DIR=str(tmp_path / "empty-cache"), PATH=_path_without(tmp_path, "mvn")),
                     "up", "kafka")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "kafka failed to start" in result.stderr and "Maven (mvn) is missing" in result.stderr
    assert _our_processes(home) == []


def test_taken_port_is_named_and_what_started_is_stopped(home):
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", PORTS["kafka"] + SHIFT))
    blocker.listen()
    try:
        result = _satmon(_env(home), "up")
    finally:
        blocker.close()
    assert result.returncode == 1
    assert f"port {PORTS['kafka'] + SHIFT} (kafka) is taken by another process" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert _our_processes(home) == [], "postgres, rabbitmq and the rest must be stopped again"


@pytest.mark.stack
def test_up_is_idempotent_status_reports_and_down_leaves_nothing(home):
    env = _env(home)
    try:
        assert _satmon(env, "up", "postgres", "victoria-metrics", "kafka").returncode == 0
        again = _satmon(env, "up", "postgres", "victoria-metrics", "kafka")
        assert again.returncode == 0 and again.stdout.count("running") == 3
        status = _satmon(env, "status")
        lines = {line.split()[0]: line.split()[1] for line in status.stdout.splitlines()[1:13] if line.strip()}
        assert lines["postgres"] == "up" and lines["kafka"] == "up" and lines["rabbitmq"] == "down"
        assert "kafka consumer group" in status.stdout and "inference jobs" in status.stdout
        assert status.returncode == 3  # not everything is up
    finally:
        down = _satmon(env, "down")
    assert down.returncode == 0
    assert _our_processes(home) == []
    assert (home / "postgres" / "data" / "PG_VERSION").exists(), "data is kept"
