"""Resident memory per component of the running local stack (each component's whole session:
PostgreSQL's backends, Triton's Python stubs, Celery's threads).

    .venv/bin/satmon up && .venv/bin/python -m benchmarks.bench_memory [--label idle]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from satmon_cli.stack import procs
from satmon_cli.stack.components import COMPONENTS


def session_rss_mb(leader: int) -> float:
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if os.getsid(int(entry)) != leader:
                continue
            fields = Path(f"/proc/{entry}/status").read_text().split("VmRSS:")
            total += int(fields[1].split()[0]) if len(fields) > 1 else 0
        except (OSError, ValueError, IndexError):
            continue
    return total / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", default="idle")
    args = parser.parse_args()
    print(f"command: {Path(sys.executable).name} -m benchmarks.bench_memory {' '.join(sys.argv[1:])}")
    rows = [(c.name, session_rss_mb(pid)) for c in COMPONENTS if (pid := procs.pid_of(c.name))]
    for name, mb in rows:
        print(f"{args.label:<10} {name:<18} {mb:>8.0f} MB")
    print(f"{args.label:<10} {'total':<18} {sum(mb for _, mb in rows):>8.0f} MB")


if __name__ == "__main__":
    main()
