"""The restart policy of the local stack: one small keeper process per component.

`satmon up` starts `python -m satmon_cli.stack.keeper NAME -- argv...` in a
session of its own; the keeper starts the component in the same process group
and waits. If the component exits by itself after it was once healthy (`satmon
up` marks that with `NAME.healthy` in the run directory), the keeper starts it
again after a backoff (1 s, doubling to 30 s; back to 1 s once a run lasted a
minute) and counts the restart in `NAME.restarts`, which `satmon status`
prints. A component that exits before it was ever healthy is not restarted:
that is a failed start, and `satmon up` reports it with the log.

`satmon down` signals the whole group: the keeper sees the signal, lets the
component shut down, and exits with it instead of restarting it.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["Restarts", "read_restarts", "mark_healthy", "child_pid_file", "main"]

FIRST_BACKOFF_S = 1.0
MAX_BACKOFF_S = 30.0
STABLE_RUN_S = 60.0
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT)


@dataclass
class Restarts:
    count: int = 0
    last_exit_code: int | None = None
    last_restart_unix: float | None = None


def _restarts_file(run_dir: Path, name: str) -> Path:
    return run_dir / f"{name}.restarts"


def child_pid_file(run_dir: Path, name: str) -> Path:
    """Where the keeper records the PID of the component's current (or last) process."""
    return run_dir / f"{name}.child.pid"


def _healthy_marker(run_dir: Path, name: str) -> Path:
    return run_dir / f"{name}.healthy"


def read_restarts(run_dir: Path, name: str) -> Restarts:
    try:
        return Restarts(**json.loads(_restarts_file(run_dir, name).read_text()))
    except (OSError, ValueError, TypeError):
        return Restarts()


def mark_healthy(run_dir: Path, name: str) -> None:
    _healthy_marker(run_dir, name).touch()


def _write_restarts(run_dir: Path, name: str, restarts: Restarts) -> None:
    path = _restarts_file(run_dir, name)
    path.with_suffix(".tmp").write_text(json.dumps(asdict(restarts)))
    path.with_suffix(".tmp").replace(path)


def keep(name: str, argv: list[str], run_dir: Path) -> int:
    stopping: list[int] = []

    def on_stop(signum, _frame) -> None:
        # The group's signal reached the component too; the keeper just stops restarting it.
        stopping.append(signum)

    for sig in STOP_SIGNALS:
        signal.signal(sig, on_stop)
    _healthy_marker(run_dir, name).unlink(missing_ok=True)
    restarts = Restarts()
    _write_restarts(run_dir, name, restarts)
    backoff = FIRST_BACKOFF_S
    while True:
        started = time.monotonic()
        child = subprocess.Popen(argv)
        child_pid_file(run_dir, name).write_text(f"{child.pid}\n")
        code = child.wait()
        if stopping or not _healthy_marker(run_dir, name).exists():
            return code
        print(f"satmon keeper: {name} exited with {code}; restarting in {backoff:.0f}s", file=sys.stderr, flush=True)
        backoff = FIRST_BACKOFF_S if time.monotonic() - started >= STABLE_RUN_S else backoff
        deadline = time.monotonic() + backoff
        while time.monotonic() < deadline and not stopping:
            time.sleep(0.1)
        if stopping:
            return code
        backoff = min(backoff * 2, MAX_BACKOFF_S)
        restarts = Restarts(restarts.count + 1, code, time.time())
        _write_restarts(run_dir, name, restarts)


def main(args: list[str] | None = None) -> int:
    args = sys.argv[1:] if args is None else args
    if len(args) < 4 or args[2] != "--":
        print("usage: python -m satmon_cli.stack.keeper NAME RUN_DIR -- COMMAND...", file=sys.stderr)
        return 2
    code = keep(args[0], args[3:], Path(args[1]))
    return 128 - code if code < 0 else code  # killed by signal N: exit 128+N, as a shell reports it


if __name__ == "__main__":
    sys.exit(main())
