"""CSV export of one satellite-day: time, size, and ops-api's peak memory while it streams.

    .venv/bin/satmon up
    .venv/bin/python -m benchmarks.bench_export            # SAT-001, acs, a day 20 days back

It writes one day of 1 Hz telemetry (86,400 rows x the subsystem's 25 parameters) for a satellite
the fleet registry knows straight into VictoriaMetrics, then downloads it through Envoy's REST
route (`GET /v1/satellites/{id}/telemetry:export`) as an operator would, reading the body as it
arrives, and reports: rows, bytes, wall seconds, ops-api CPU seconds, and ops-api's resident memory
before and at its peak during the export (the kernel's high-water mark, reset just before).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timezone

import numpy as np

from satmon_cli.stack import procs
from satmon_cli.stack.layout import port, service_env
from satmon_core.config import load_settings
from satmon_core.victoria import VictoriaMetrics

DAY_S = 86_400
LINES_PER_IMPORT = 250_000


def _memory_kib(pid: int) -> dict[str, int]:
    with open(f"/proc/{pid}/status") as f:
        return {k: int(v.split()[0]) for k, v in (line.split(":", 1) for line in f) if k in ("VmRSS", "VmHWM")}


def _cpu_s(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def write_day(vm: VictoriaMetrics, satellite: str, subsystem: str, start_s: int, width: int) -> None:
    rng = np.random.default_rng(7)
    batch: list[str] = []
    for second in range(DAY_S):
        ts = (start_s + second) * 1000
        values = rng.normal(size=width).tolist()  # Python floats: repr of a numpy float is not a number
        batch.extend(f'smap_feature{{satellite_id="{satellite}",subsystem="{subsystem}",feature_index="{i}"}} '
                     f"{v!r} {ts}" for i, v in enumerate(values))
        if len(batch) >= LINES_PER_IMPORT:
            vm.import_lines(batch)
            batch = []
    vm.import_lines(batch)
    vm.make_searchable()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--satellite", default="SAT-001")
    parser.add_argument("--subsystem", default="acs")
    parser.add_argument("--days-back", type=int, default=20)
    args = parser.parse_args()
    os.environ.update({**service_env(), **os.environ})
    start_s = (int(time.time()) // DAY_S - args.days_back) * DAY_S
    vm = VictoriaMetrics(load_settings().vm_url)
    began = time.monotonic()
    write_day(vm, args.satellite, args.subsystem, start_s, 25)
    print(f"wrote {DAY_S:,} rows x 25 parameters in {time.monotonic() - began:.0f} s", flush=True)

    token = subprocess.run([sys.executable, "-m", "satmon_cli.main", "token", "create", "--name", "bench-export",
                            "--role", "viewer"], capture_output=True, text=True, check=True).stdout.strip()
    iso = lambda s: datetime.fromtimestamp(s, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    url = (f"http://127.0.0.1:{port('envoy')}/v1/satellites/{args.satellite}/telemetry:export"
           f"?subsystem={args.subsystem}&start={iso(start_s)}&end={iso(start_s + DAY_S)}")
    pid = procs.child_pid_of("ops-api")
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")  # resets VmHWM to the current RSS
    before, cpu_before = _memory_kib(pid), _cpu_s(pid)
    began = time.monotonic()
    rows = size = 0
    with urllib.request.urlopen(urllib.request.Request(url, headers={"authorization": f"Bearer {token}"}),
                                timeout=600) as response:
        while chunk := response.read(1 << 16):
            size += len(chunk)
            rows += chunk.count(b"\n")
    wall = time.monotonic() - began
    after, cpu = _memory_kib(pid), _cpu_s(pid) - cpu_before
    print(f"rows {rows - 1:,} (+ header)  bytes {size:,}  wall {wall:.1f} s  ops-api CPU {cpu:.1f} s "
          f"({cpu / max(rows - 1, 1) * 1e6:.0f} us/row)")
    print(f"ops-api RSS before {before['VmRSS'] / 1024:.0f} MiB, peak during the export "
          f"{after['VmHWM'] / 1024:.0f} MiB (+{(after['VmHWM'] - before['VmRSS']) / 1024:.0f} MiB)")
    print(f"command: {' '.join([os.path.basename(sys.executable), '-m', 'benchmarks.bench_export', *sys.argv[1:]])}")
    return 0 if rows - 1 == DAY_S else 1


if __name__ == "__main__":
    sys.exit(main())
