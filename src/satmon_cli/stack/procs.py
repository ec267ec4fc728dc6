"""Starting and stopping processes by PID file, never by name."""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from satmon_cli.stack.keeper import child_pid_file
from satmon_cli.stack.layout import HOST, log_dir, run_dir

__all__ = ["pid_of", "child_pid_of", "is_alive", "group_alive", "wait_for_previous_run", "spawn", "stop", "port_is_free", "wait_until"]


def _pid_file(name: str) -> Path:
    return run_dir() / f"{name}.pid"


def pid_of(name: str) -> int | None:
    """The PID recorded for a component if that process is still alive, else None."""
    path = _pid_file(name)
    if not path.exists():
        return None
    try:
        pid = int(path.read_text().strip())
    except ValueError:
        path.unlink(missing_ok=True)
        return None
    if is_alive(pid):
        return pid
    path.unlink(missing_ok=True)
    return None


def _recorded_child(name: str) -> int | None:
    try:
        return int(child_pid_file(run_dir(), name).read_text().strip())
    except (OSError, ValueError):
        return None


def child_pid_of(name: str) -> int | None:
    """The PID of the component itself under its keeper, if alive."""
    pid = _recorded_child(name)
    return pid if pid is not None and is_alive(pid) else None


def wait_for_previous_run(name: str, timeout: float = 30.0) -> None:
    """Waits until the component's previous process (the keeper's last child) has left the process
    table entirely. A killed server may linger as a zombie until init reaps it, and PostgreSQL, for
    one, refuses to start while the PID in its lock file still exists."""
    pid = _recorded_child(name)
    if pid is None:
        return
    deadline = time.monotonic() + timeout
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        _reap(pid)
        time.sleep(0.1)


def is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of ours counts as gone.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def spawn(name: str, argv: Sequence[str], env: dict[str, str], cwd: Path | None = None,
          user: str | None = None, keep: bool = False) -> int:
    """Starts argv in its own session (so `stop` can signal the whole group), logging to .satmon/logs.

    With `keep`, a keeper (`satmon_cli.stack.keeper`) leads the session and restarts argv when it
    exits after it was once healthy; the recorded PID is then the keeper's.
    """
    if user and os.geteuid() == 0:
        # Drop privileges with exec (no forked wrapper) so the process is the server itself.
        argv = ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups", *argv]
    if keep:
        argv = [sys.executable, "-m", "satmon_cli.stack.keeper", name, str(run_dir()), "--", *argv]
    log = open(log_dir() / f"{name}.log", "ab")
    proc = subprocess.Popen(list(argv), env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    log.close()
    _pid_file(name).write_text(f"{proc.pid}\n")
    return proc.pid


def stop(name: str, sig: int = signal.SIGTERM, timeout: float = 30.0) -> bool:
    """Signals the component's process group, escalating to SIGKILL. True if it was running."""
    pid = pid_of(name)
    if pid is None:
        return False
    _signal_group(pid, sig)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and group_alive(pid):
        _reap(pid)
        time.sleep(0.1)
    if group_alive(pid):
        _signal_group(pid, signal.SIGKILL)
        time.sleep(0.2)
    _reap(pid)
    _pid_file(name).unlink(missing_ok=True)
    return True


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass
    except PermissionError:
        os.kill(pid, sig)


def group_alive(pgid: int) -> bool:
    """True while any live (non-zombie) process is left in the process group."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(") ", 1)[1].split()
        if fields[0] != "Z" and int(fields[2]) == pgid:
            return True
    return False


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


def wait_until(check: Callable[[], bool], timeout: float, interval: float = 0.25,
               alive: Callable[[], bool] | None = None) -> bool:
    """Polls check() until it returns True, the timeout passes, or alive() says the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return True
        except Exception:  # noqa: BLE001 - a probe failing just means "not yet"
            pass
        if alive is not None and not alive():
            return False
        time.sleep(interval)
    return False
