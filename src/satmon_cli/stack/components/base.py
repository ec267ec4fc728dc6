"""What every component of the local stack is, and the helpers their modules share: health probes,
state directories (a server's own, outside the checkout when it runs as its own user), and deleting
a stopped stack's state."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import sys
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from satmon_cli.stack.layout import HOST
from satmon_core.paths import state_dir

__all__ = ["Component", "tcp_open", "http_ok", "owned_dir", "server_dir", "delete_state", "which",
           "sweep_orphaned_server_dirs", "SERVER_ROOT"]

# Where servers that run as their own user keep their state (see server_dir): a folder per stack.
SERVER_ROOT = Path("/var/lib/satmon")
# In each stack's folder there: the state directory that links to it, to tell when that is gone.
_OWNER_FILE = "state-dir"


@dataclass(frozen=True)
class Component:
    name: str
    ports: tuple[str, ...]
    argv: Callable[[], list[str]]
    ready: Callable[[], bool]
    endpoint: Callable[[], str]
    executables: Callable[[], list[tuple[str, str]]] = lambda: []  # (what, path-or-None hint)
    prepare: Callable[[], None] = lambda: None
    configure: Callable[[], None] = lambda: None
    env: Callable[[], dict[str, str]] = lambda: dict(os.environ)
    user: str | None = None
    stop_signal: int = signal.SIGTERM
    start_timeout: float = 60.0
    kind: str = "infrastructure"
    metrics_port: Callable[[], int | None] = lambda: None
    restart: bool = True  # a keeper restarts it if it exits after it was healthy (see stack.keeper)
    service: str | None = None  # for one of several processes of a service: that service's name


def tcp_open(p: int) -> bool:
    with socket.create_connection((HOST, p), timeout=1):
        return True


def http_ok(url: str, expect: bytes | None = None) -> bool:
    with urllib.request.urlopen(url, timeout=2) as resp:
        body = resp.read()
        return resp.status == 200 and (expect is None or expect in body)


def owned_dir(path: Path, user: str | None) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    if user and os.geteuid() == 0:
        shutil.chown(path, user, user)
    return path


def server_dir(name: str, user: str | None) -> Path:
    """The state directory of a server that runs as its own user (PostgreSQL, RabbitMQ when satmon
    runs as root). Such a server cannot enter a checkout other users may not traverse (a private
    home, a `mktemp -d`), so its state lives under /var/lib/satmon/<stack id>/<name>, linked from
    the stack's state directory. The link is the record: when the state directory is deleted (a
    fresh start), the old directory it pointed to is deleted too on the next start, and the stack's
    folder there names its state directory, so that a stack whose checkout was deleted altogether
    (a clone in a temporary directory, as CI makes) is deleted when any stack next creates one."""
    link = state_dir() / name
    if not user or os.geteuid() != 0 or (link.is_dir() and not link.is_symlink()):
        return link
    if link.is_symlink():
        return link.resolve()
    state_dir().mkdir(parents=True, exist_ok=True)  # before it is named: a sweep keeps what exists
    stack_id = hashlib.sha256(str(state_dir()).encode()).hexdigest()[:16]
    outside = SERVER_ROOT / stack_id / name
    if outside.exists():
        shutil.rmtree(outside)  # stale: the state directory that pointed here is gone
    outside.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(outside.parent, 0o755)
    (outside.parent / _OWNER_FILE).write_text(str(state_dir()))
    sweep_orphaned_server_dirs(SERVER_ROOT)
    owned_dir(outside, user)
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(outside)
    return outside


def sweep_orphaned_server_dirs(root: Path) -> list[Path]:
    """Deletes the stacks' folders under `root` whose state directory no longer exists (nothing links
    to them any more: their server data would stay forever, a few hundred MB a stack); returns them.
    A folder that names no state directory is kept: it may be being made, or predate the record."""
    swept = []
    for folder in root.iterdir() if root.is_dir() else ():
        owner = folder / _OWNER_FILE
        try:
            state = Path(owner.read_text().strip())
        except OSError:
            continue
        if not state.exists():
            shutil.rmtree(folder, ignore_errors=True)
            swept.append(folder)
    return swept


def delete_state(home: Path) -> None:
    """Deletes a stopped stack's state directory and the server directories it links to outside it
    (see server_dir), which nothing else would ever delete: for throwaway stacks, such as the tests'."""
    if home.is_dir():
        for link in (entry for entry in home.iterdir() if entry.is_symlink()):
            outside = link.resolve()
            shutil.rmtree(outside, ignore_errors=True)
            if outside.parent.is_dir() and not any(p.name != _OWNER_FILE for p in outside.parent.iterdir()):
                shutil.rmtree(outside.parent, ignore_errors=True)  # the stack's own folder under SERVER_ROOT
    shutil.rmtree(home, ignore_errors=True)


def which(name: str) -> str | None:
    """An executable on PATH, or beside this Python (the virtual environment's bin, where pip puts
    envoy and celery, is not on PATH when satmon is run as .venv/bin/satmon)."""
    return shutil.which(name) or shutil.which(name, path=os.path.dirname(sys.executable))
