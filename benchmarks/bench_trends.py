"""Latency of a 1-hour trend query (one subsystem, 25 features) three ways.

    .venv/bin/satmon up && .venv/bin/satmon simulate --satellites 5 --duration 3600 --speedup 200
    .venv/bin/python -m benchmarks.bench_trends [--requests 200]

Direct: the same PromQL straight to VictoriaMetrics' HTTP API (the baseline). REST: GET
/api/v1/trends/raw through Envoy (JSON transcoding, ops-api, VictoriaMetrics). grpc-web: the
dashboard's path, binary grpc-web through Envoy. Step is chosen as the dashboard does for a
1000-pixel chart (about 1000 points per series).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import numpy as np

from satmon.ops.v1 import ops_service_pb2 as ops
from satmon.telemetry.v1 import telemetry_pb2
from satmon_cli.stack.layout import port, service_env
from satmon_ops.domain.trends import feature_query, plan_range
from tests.support import grpcweb


def _percentiles(samples: list[float]) -> tuple[float, float]:
    p50, p99 = np.percentile(np.array(samples) * 1000, [50, 99])
    return float(p50), float(p99)


def _time(call, n: int) -> list[float]:
    call()  # warm-up
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        call()
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--satellite", default="SAT-001")
    args = parser.parse_args()
    env = service_env()
    token = subprocess.run([sys.executable, "-m", "satmon_cli.main", "token", "create", "--name", "bench",
                            "--role", "viewer"], capture_output=True, text=True, check=True).stdout.strip()
    now = time.time()
    rng = plan_range(now - 3600, now, 0, now)
    features = list(range(25))
    promql = feature_query("smap_feature", args.satellite, "acs", features, rng.step_s)
    vm_url = env["SATMON_VM_URL"] + "/api/v1/query_range?" + urllib.parse.urlencode(
        {"query": promql, "start": rng.start_s, "end": rng.end_s, "step": f"{rng.step_s:g}s"})

    def direct():
        with urllib.request.urlopen(vm_url, timeout=10) as r:
            return json.loads(r.read())

    envoy = f"http://127.0.0.1:{port('envoy')}"
    query = {"satellite_id": args.satellite, "subsystem": "acs",
             "start": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(rng.start_s)),
             "end": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(rng.end_s))}
    rest_url = envoy + "/api/v1/trends/raw?" + urllib.parse.urlencode(query)

    def rest():
        req = urllib.request.Request(rest_url, headers={"authorization": f"Bearer {token}"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())

    request = ops.QueryRawTrendRequest(satellite_id=args.satellite, subsystem="acs")
    request.start_time.FromSeconds(int(rng.start_s))
    request.end_time.FromSeconds(int(rng.end_s))
    body = request.SerializeToString()

    def web():
        reply = grpcweb.call(envoy, "/satmon.ops.v1.OpsService/QueryRawTrend", body, token)
        assert reply.grpc_status == 0, reply.trailers
        return reply

    points = sum(len(s["values"]) for s in direct()["data"]["result"])
    series = len(direct()["data"]["result"])
    rows = [("VictoriaMetrics direct", _time(direct, args.requests)),
            ("Envoy REST (JSON)", _time(rest, args.requests)),
            ("Envoy grpc-web", _time(web, args.requests))]
    base50, base99 = _percentiles(rows[0][1])
    print(f"command: python -m benchmarks.bench_trends {' '.join(sys.argv[1:])}")
    print(f"1-hour range, step {rng.step_s:g} s, {series} series, {points} points per response, "
          f"{args.requests} sequential requests each")
    print(f"{'path':<24} {'p50 ms':>7} {'p99 ms':>7} {'p50 x direct':>13} {'p99 x direct':>13}")
    for name, samples in rows:
        p50, p99 = _percentiles(samples)
        print(f"{name:<24} {p50:>7.2f} {p99:>7.2f} {p50 / base50:>13.2f} {p99 / base99:>13.2f}")


if __name__ == "__main__":
    main()
