"""Resident memory per component of the running local stack (each component's whole session:
PostgreSQL's backends, Triton's Python stubs, Celery's threads).

    .venv/bin/satmon up && .venv/bin/python -m benchmarks.bench_memory [--label idle]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks.stack_processes import component_sessions, session_rss_mb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", default="idle")
    args = parser.parse_args()
    print(f"command: {Path(sys.executable).name} -m benchmarks.bench_memory {' '.join(sys.argv[1:])}")
    rows = [(name, sum(map(session_rss_mb, leaders))) for name, leaders in component_sessions().items()]
    for name, mb in rows:
        print(f"{args.label:<10} {name:<18} {mb:>8.0f} MB")
    print(f"{args.label:<10} {'total':<18} {sum(mb for _, mb in rows):>8.0f} MB")


if __name__ == "__main__":
    main()
