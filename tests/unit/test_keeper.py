"""The local stack's restart policy: a keeper restarts a component that exits after it was healthy,
with backoff, counts the restarts, never restarts a failed start, and stops with its group."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from satmon_cli.stack.keeper import child_pid_file, read_restarts


def _keeper(run_dir: Path, script: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "satmon_cli.stack.keeper", "thing", str(run_dir), "--",
                             "/bin/sh", "-c", script], start_new_session=True)


def _wait(check, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def test_a_component_that_never_became_healthy_is_not_restarted(tmp_path):
    keeper = _keeper(tmp_path, f"echo run >> {tmp_path}/runs; exit 7")
    assert keeper.wait(10) == 7
    assert (tmp_path / "runs").read_text().count("run") == 1
    assert read_restarts(tmp_path, "thing").count == 0


def test_a_crashing_component_is_restarted_with_backoff_and_counted(tmp_path):
    # Each run marks itself healthy (as `satmon up` would) and crashes.
    keeper = _keeper(tmp_path, f"touch {tmp_path}/thing.healthy; echo run >> {tmp_path}/runs; exit 3")
    try:
        assert _wait(lambda: read_restarts(tmp_path, "thing").count >= 2, 15)
        restarts = read_restarts(tmp_path, "thing")
        assert restarts.last_exit_code == 3
        runs = (tmp_path / "runs").read_text().count("run")
        assert runs == restarts.count + 1 or runs == restarts.count  # the newest run may still be starting
        # Backoff: 1 s then 2 s, so two restarts take at least 3 s; no busy loop of restarts.
        assert runs <= 4
    finally:
        os.killpg(keeper.pid, signal.SIGTERM)
        keeper.wait(10)


def test_a_stop_signal_to_the_group_stops_component_and_keeper(tmp_path):
    keeper = _keeper(tmp_path, f"touch {tmp_path}/thing.healthy; exec sleep 60")
    assert _wait(lambda: child_pid_file(tmp_path, "thing").exists(), 10)
    child = int(child_pid_file(tmp_path, "thing").read_text())
    assert _wait(lambda: (tmp_path / "thing.healthy").exists(), 10)
    os.killpg(keeper.pid, signal.SIGTERM)
    assert keeper.wait(10) == 128 + signal.SIGTERM
    assert not Path(f"/proc/{child}").exists() or "Z" in Path(f"/proc/{child}/stat").read_text().split(") ")[1][:1]
    assert read_restarts(tmp_path, "thing").count == 0


def test_a_killed_component_is_started_again(tmp_path):
    keeper = _keeper(tmp_path, f"touch {tmp_path}/thing.healthy; exec sleep 60")
    try:
        assert _wait(lambda: (tmp_path / "thing.healthy").exists() and child_pid_file(tmp_path, "thing").exists(), 10)
        first = int(child_pid_file(tmp_path, "thing").read_text())
        os.kill(first, signal.SIGKILL)
        assert _wait(lambda: read_restarts(tmp_path, "thing").count == 1, 10)
        assert _wait(lambda: int(child_pid_file(tmp_path, "thing").read_text()) != first, 10)
        assert read_restarts(tmp_path, "thing").last_exit_code == -signal.SIGKILL
    finally:
        os.killpg(keeper.pid, signal.SIGTERM)
        keeper.wait(10)
