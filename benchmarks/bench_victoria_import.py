"""VictoriaMetrics' CPU per sample: Prometheus text lines against JSON lines carrying several samples
per series, on a fleet's telemetry.

    python -m benchmarks.bench_victoria_import

Starts its own VictoriaMetrics (the same binary and flags as `satmon up`, on a free port and a
temporary folder), creates the fleet's series first (a running stack has them), then imports the same
samples in each format and reads the server's CPU time from /proc. A fleet of 1,000 SMAP satellites:
185 series each (7 subsystems x 25 parameters, mostly 0/1 command flags, and 10 housekeeping metrics),
one sample per series per second. The writer gathers TELEMETRY_GATHER_S seconds of records per batch,
so each series goes with that many samples.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request

__all__ = ["main"]

SERIES_PER_SATELLITE = 185
_BODY_LINES = 5000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cpu_s(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _fleet(satellites: int) -> tuple[list[dict[str, str]], list[float]]:
    labels = [{"__name__": "smap_feature", "satellite_id": f"SAT-{s:04d}", "subsystem": f"ss{j // 25}",
               "feature_index": str(j % 25)} for s in range(satellites) for j in range(SERIES_PER_SATELLITE)]
    rng = random.Random(1)
    values = [rng.random() if j % 25 == 0 else float(rng.random() < 0.1) for j in range(len(labels))]
    return labels, values


def _bodies(labels, values, times: list[int], form: str) -> list[bytes]:
    if form == "text":
        heads = ["smap_feature{" + ",".join(f'{k}="{v}"' for k, v in lab.items() if k != "__name__") + "}"
                 for lab in labels]
        lines = [f"{head} {value!r} {t}" for t in times for head, value in zip(heads, values)]
    else:
        stamps = ",".join(map(str, times))
        lines = [f'{{"metric":{json.dumps(lab)},"values":[{",".join([repr(value)] * len(times))}],'
                 f'"timestamps":[{stamps}]}}' for lab, value in zip(labels, values)]
    return [("\n".join(lines[i:i + _BODY_LINES]) + "\n").encode() for i in range(0, len(lines), _BODY_LINES)]


def measure(satellites: int, seconds: int, form: str, per_series: int) -> float:
    """VictoriaMetrics' CPU microseconds per sample for `seconds` of the fleet, `per_series` samples a line."""
    folder = tempfile.mkdtemp(prefix="bench-vm-")
    port = _free_port()
    server = subprocess.Popen([shutil.which("victoria-metrics") or "victoria-metrics", f"-storageDataPath={folder}",
                               f"-httpListenAddr=127.0.0.1:{port}", "-retentionPeriod=100y",
                               "-dedup.minScrapeInterval=1ms"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    path = "/api/v1/import/prometheus" if form == "text" else "/api/v1/import"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        labels, values = _fleet(satellites)
        start_ms = 1_700_000_000_000

        def send(first_second: int, count: int) -> None:
            times = [start_ms + 1000 * (first_second + k) for k in range(count)]
            for body in _bodies(labels, values, times, form):
                request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method="POST")
                urllib.request.urlopen(request, timeout=60).read()

        send(-1, 1)  # the series exist, as in a stack that has run a while
        time.sleep(3)
        before = _cpu_s(server.pid)
        for second in range(0, seconds, per_series):
            send(second, per_series)
        time.sleep(3)  # the in-memory parts flushed
        return 1e6 * (_cpu_s(server.pid) - before) / (satellites * SERIES_PER_SATELLITE * seconds)
    finally:
        server.terminate()
        server.wait(30)
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--satellites", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--per-series", type=int, nargs="+", default=[1, 5, 10],
                        help="samples per JSON line to measure (text lines always carry one)")
    args = parser.parse_args()
    rows = [("Prometheus text", 1, measure(args.satellites, args.seconds, "text", 1))]
    rows += [("JSON lines", k, measure(args.satellites, args.seconds, "json", k)) for k in args.per_series]
    print(f"command: python -m benchmarks.bench_victoria_import --satellites {args.satellites} "
          f"--seconds {args.seconds} --per-series {' '.join(map(str, args.per_series))}")
    print(f"{args.satellites} satellites x {SERIES_PER_SATELLITE} series, {args.seconds} s; VictoriaMetrics CPU per sample")
    print(f"{'format':<16} {'samples/line':>12} {'us/sample':>10} {'vs text':>8}")
    for form, k, us in rows:
        print(f"{form:<16} {k:>12} {us:>10.2f} {us / rows[0][2]:>8.2f}")


if __name__ == "__main__":
    main()
