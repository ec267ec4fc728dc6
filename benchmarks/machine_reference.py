"""A yardstick for the machine of the day, independent of satmon's code, so CPU and latency figures
from different days and machines can be compared (these machines differ 1.5-3x from day to day).

    python -m benchmarks.machine_reference

One core's speed at a fixed mix of what the pipeline's Python does a lot of: small dicts and
strings, float formatting, and protobuf-sized byte handling (hashing stands in for it). Best of
five runs of the same work, in millions of operations per second; higher is faster. bench_pipeline
prints it before and after its runs.
"""

from __future__ import annotations

import hashlib
import time

__all__ = ["reference_mops"]

_OPERATIONS = 200_000


def _work() -> int:
    table: dict[str, float] = {}
    digest = b""
    for i in range(_OPERATIONS):
        key = f"SAT-{i % 1000:04d}/acs/{i % 25}"
        table[key] = table.get(key, 0.0) + i * 0.5
        line = f"{key} {table[key]:.6g} {1_700_000_000_000 + i}"
        if i % 8 == 0:
            digest = hashlib.blake2b(line.encode() + digest, digest_size=16).digest()
    return len(table) + digest[0]


def reference_mops(runs: int = 5) -> float:
    """Millions of the fixed operations per second on one core, best of `runs`."""
    best = float("inf")
    for _ in range(runs):
        began = time.perf_counter()
        _work()
        best = min(best, time.perf_counter() - began)
    return _OPERATIONS / best / 1e6


def main() -> None:
    print("command: python -m benchmarks.machine_reference")
    print(f"machine reference: {reference_mops():.3f} M operations/s on one core (best of 5)")


if __name__ == "__main__":
    main()
