"""Raw ONNX Runtime vs NVIDIA Triton through tritonclient, at batch 1, 8 and 64.

    .venv/bin/satmon up inference-server
    .venv/bin/python -m benchmarks.bench_inference [--model SMAP_A-1] [--seconds 5]

Uses the local stack's tritonserver (CPU, Python backend running the same model.onnx with ONNX
Runtime), so both columns run the same model on the same machine in one run.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort
import tritonclient.grpc as triton

from satmon_cli.stack.layout import service_env

REPO = Path(__file__).resolve().parents[1]


def _timed(call, seconds: float) -> tuple[int, list[float]]:
    latencies, calls = [], 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        t0 = time.perf_counter()
        call()
        latencies.append(time.perf_counter() - t0)
        calls += 1
    return calls, latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="SMAP_A-1")
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    model_dir = REPO / "triton-repository" / args.model
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(str(model_dir / "1" / "model.onnx"), options, providers=["CPUExecutionProvider"])

    client = triton.InferenceServerClient(service_env()["SATMON_TRITON_URL"])
    if not client.is_server_ready(client_timeout=5):
        raise SystemExit("Triton is not ready: run `satmon up inference-server` first")
    rng = np.random.default_rng(0)
    rows = []
    for batch in (1, 8, 64):
        data = rng.standard_normal((batch, *session.get_inputs()[0].shape[1:])).astype(np.float32)
        calls, lat = _timed(lambda: session.run(None, {"window": data}), args.seconds)
        raw_wps = calls * batch / sum(lat)

        def remote():
            inp = triton.InferInput("window", list(data.shape), "FP32")
            inp.set_data_from_numpy(data)
            client.infer(args.model, [inp], client_timeout=10)

        remote()  # warm-up
        calls, lat = _timed(remote, args.seconds)
        server_wps = calls * batch / sum(lat)
        p50, p99 = np.percentile(np.array(lat) * 1000, [50, 99])
        rows.append((batch, raw_wps, server_wps, p50, p99))
    print(f"command: {' '.join([Path(sys.executable).name, '-m', 'benchmarks.bench_inference', *sys.argv[1:]])}")
    print(f"model {args.model}, {args.seconds:.0f} s per measurement, one client thread, ORT intra-op threads 1")
    print(f"{'batch':>5} {'ORT windows/s':>14} {'Triton windows/s':>17} {'ratio':>6} {'p50 ms':>7} {'p99 ms':>7}")
    for batch, raw, srv, p50, p99 in rows:
        print(f"{batch:>5} {raw:>14.0f} {srv:>17.0f} {raw / srv:>6.2f} {p50:>7.2f} {p99:>7.2f}")


if __name__ == "__main__":
    main()
