"""Every listening socket of the local stack is on loopback, Erlang distribution included."""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from satmon_cli.stack import procs
from satmon_cli.stack.components import COMPONENTS

pytestmark = pytest.mark.stack


def _session_pids(leader: int) -> set[int]:
    """Every process in the component's session (each component is started in a session of its own)."""
    pids = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.getsid(int(entry)) == leader:
                    pids.add(int(entry))
            except OSError:
                continue
    return pids


def test_every_listener_is_on_loopback(stack):
    listeners = subprocess.run(["ss", "-ltnpH"], capture_output=True, text=True, check=True).stdout.splitlines()
    checked, exposed = 0, []
    for component in COMPONENTS:
        leader = procs.pid_of(component.name)
        assert leader is not None, f"{component.name} is not running"
        pids = _session_pids(leader)
        for line in listeners:
            owners = {int(p) for p in re.findall(r"pid=(\d+)", line)}
            if owners & pids:
                checked += 1
                local = line.split()[3]
                if not local.startswith(("127.0.0.1:", "[::1]:", "[::ffff:127.0.0.1]:")):
                    exposed.append(f"{component.name}: {local}")
    assert checked >= len(COMPONENTS)
    assert exposed == []
