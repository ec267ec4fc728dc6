"""NVIDIA Triton on the CPU (nvidia-pytriton's tritonserver in .venv-triton, the Python backend
running each model's ONNX file); `stack.triton` renders its model repository."""

from __future__ import annotations

import os

from satmon_cli.stack.components.base import Component, http_ok
from satmon_cli.stack.layout import HOST, port
from satmon_core.paths import state_dir

__all__ = ["INFERENCE_SERVER"]


def _ready() -> bool:
    return http_ok(f"http://{HOST}:{port('inference-server-http')}/v2/health/ready")


def _argv() -> list[str]:
    from satmon_cli.stack import triton

    return [triton.tritonserver(), f"--model-repository={state_dir() / 'triton-repository'}",
            f"--backend-directory={triton.backends_dir()}",
            f"--grpc-address={HOST}", f"--grpc-port={port('inference-server')}",
            f"--http-address={HOST}", f"--http-port={port('inference-server-http')}",
            f"--metrics-address={HOST}", f"--metrics-port={port('inference-server-metrics')}",
            "--allow-gpu-metrics=false", "--exit-on-error=true", "--log-verbose=0",
            # Explicit model control: everything in the repository at start, and models a class's
            # training adds later are loaded through the repository API (`satmon train --class`),
            # without a restart.
            "--model-control-mode=explicit", "--load-model=*"]


def _env() -> dict[str, str]:
    from satmon_cli.stack import triton

    env = dict(os.environ)
    env["PATH"] = f"{triton.stub_env_bin()}:{env.get('PATH', '')}"
    return env


def _prepare() -> None:
    from satmon_cli.stack import triton

    triton.render_repository()


def _executables() -> list[tuple[str, str | None]]:
    from satmon_cli.stack import triton

    return [("NVIDIA tritonserver (nvidia-pytriton in .venv-triton)", triton.tritonserver())]


INFERENCE_SERVER = Component(
    name="inference-server",
    ports=("inference-server", "inference-server-http", "inference-server-metrics"),
    executables=_executables,
    prepare=_prepare,
    argv=_argv,
    env=_env,
    ready=_ready,
    start_timeout=180,
    endpoint=lambda: (f"grpc://{HOST}:{port('inference-server')} (NVIDIA Triton, CPU; "
                      f"http://{HOST}:{port('inference-server-http')}/v2, "
                      f"metrics http://{HOST}:{port('inference-server-metrics')}/metrics)"),
)
