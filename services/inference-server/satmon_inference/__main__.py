"""Entry point: `python -m satmon_inference` (started by `satmon up`)."""

from __future__ import annotations

import os
from pathlib import Path

from tritonclient.grpc import service_pb2_grpc

from satmon_core.grpc_server import Registration, ServiceProcess
from satmon_core.paths import repo_root
from satmon_core.tracing import setup_tracing
from satmon_inference.repository import ModelRepository
from satmon_inference.servicer import TritonServicer


def main() -> None:
    setup_tracing("satmon-inference-server")
    root = Path(os.environ.get("SATMON_MODEL_REPOSITORY", repo_root() / "triton-repository"))
    repository = ModelRepository(root, intra_op_threads=int(os.environ.get("SATMON_ORT_THREADS", "1")))
    repository.load_all()
    servicer = TritonServicer(repository)
    ServiceProcess(
        name="inference-server",
        grpc_port=int(os.environ.get("SATMON_GRPC_PORT", "8001")),
        metrics_port=int(os.environ.get("SATMON_METRICS_PORT", "8002")),
        registrations=[Registration(service_pb2_grpc.add_GRPCInferenceServiceServicer_to_server, servicer,
                                    "inference.GRPCInferenceService")],
        max_workers=32,
        authenticate=False,  # internal Triton protocol, as Triton itself serves it; not exposed through Envoy
    ).run()


if __name__ == "__main__":
    main()
