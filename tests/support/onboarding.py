"""A second spacecraft class (leo_demo) on the test stack, as the README's onboarding walks it:
synthetic archives from the simulator's physics, and the `satmon` commands that take them in."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence

from satmon_archive import write_satellite_csv
from satmon_mdb import load_mission_database
from satmon_simulator.domain.bus_archive import synthesise

__all__ = ["CLASS", "satmon", "write_archive"]

CLASS = "leo_demo"


def satmon(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "satmon_cli.main", *args], env=os.environ.copy(),
                          capture_output=True, text=True, timeout=600)


def write_archive(folder, satellites: Sequence[str], seconds: int, start_ns: int, faults=(), seed: int = 0,
                  first_index: int = 500) -> None:
    """One CSV per satellite of `seconds` rows from `start_ns`, with the given faults injected."""
    subsystems = load_mission_database().subsystems(CLASS)
    folder.mkdir(parents=True, exist_ok=True)
    for k, sat in enumerate(satellites, start=1):
        archive, _ = synthesise(sat, first_index + k, subsystems, start_ns, seconds, list(faults), seed)
        write_satellite_csv(folder / f"{sat}.csv", subsystems, archive)
