"""The running local stack's processes per component: every component runs in its own session
(its keeper is the session leader), so a component's processes are the session's members and their
descendants (Triton's Python stubs; PostgreSQL's backends, which each start a session of their own)."""

from __future__ import annotations

import os
from pathlib import Path

from satmon_cli.stack import procs
from satmon_cli.stack.components import components

__all__ = ["component_sessions", "session_pids", "session_rss_mb", "session_cpu_s"]

_TICKS = os.sysconf("SC_CLK_TCK")


def component_sessions() -> dict[str, list[int]]:
    """Component name -> the session leaders' PIDs of its processes that are up (several for a
    service scaled with `satmon up --scale`)."""
    sessions: dict[str, list[int]] = {}
    for c in components():
        if pid := procs.pid_of(c.name):
            sessions.setdefault(c.service or c.name, []).append(pid)
    return sessions


def session_pids(leader: int) -> list[int]:
    """The session's processes and every descendant of them, wherever their session is."""
    parent: dict[int, int] = {}
    members = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            pid = int(entry)
            try:
                parent[pid] = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
                if os.getsid(pid) == leader:
                    members.append(pid)
            except (OSError, ValueError, IndexError):
                continue
    children: dict[int, list[int]] = {}
    for pid, ppid in parent.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = set(members), list(members)
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return sorted(found)


def session_rss_mb(leader: int) -> float:
    total = 0
    for pid in session_pids(leader):
        try:
            fields = Path(f"/proc/{pid}/status").read_text().split("VmRSS:")
            total += int(fields[1].split()[0]) if len(fields) > 1 else 0
        except (OSError, ValueError, IndexError):
            continue
    return total / 1024


def session_cpu_s(leader: int) -> float:
    """User + system CPU seconds used so far by the session's live processes, and by the children
    they have reaped (a PostgreSQL backend that ended mid-run still counts, in its postmaster)."""
    total = 0
    for pid in session_pids(leader):
        try:
            # The command name may hold spaces: fields after the closing parenthesis are fixed.
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
        except (OSError, ValueError, IndexError):
            continue
    return total / _TICKS
