"""Loads a Triton model repository: <name>/config.pbtxt and <name>/<version>/model.onnx."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import onnxruntime as ort
from google.protobuf import text_format
from tritonclient.grpc import model_config_pb2

from satmon_inference.errors import ModelLoadError, ModelNotFound

__all__ = ["LoadedModel", "ModelRepository", "DTYPES", "read_config"]

log = logging.getLogger(__name__)

# Triton datatype names (the wire protocol's) and model-config enum names -> numpy.
DTYPES: dict[str, np.dtype] = {
    "FP32": np.dtype(np.float32), "FP64": np.dtype(np.float64), "FP16": np.dtype(np.float16),
    "INT64": np.dtype(np.int64), "INT32": np.dtype(np.int32), "INT8": np.dtype(np.int8),
    "UINT8": np.dtype(np.uint8), "BOOL": np.dtype(np.bool_),
}


def read_config(path: Path) -> model_config_pb2.ModelConfig:
    config = model_config_pb2.ModelConfig()
    text_format.Parse(path.read_text(), config)
    return config


def config_dtype_name(enum_value: int) -> str:
    """model_config_pb2.TYPE_FP32 -> "FP32"."""
    return model_config_pb2.DataType.Name(enum_value).removeprefix("TYPE_")


@dataclass
class LoadedModel:
    name: str
    version: str
    config: model_config_pb2.ModelConfig
    session: ort.InferenceSession
    stats: dict[str, int] = field(default_factory=lambda: {
        "inference_count": 0, "execution_count": 0, "success_count": 0, "fail_count": 0,
        "success_ns": 0, "fail_ns": 0, "queue_ns": 0, "compute_ns": 0, "last_inference_ms": 0})

    def run(self, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        names = [out.name for out in self.config.output]
        values = self.session.run(names, inputs)
        return dict(zip(names, values))


class ModelRepository:
    def __init__(self, root: Path, intra_op_threads: int = 1) -> None:
        self.root = root
        self.intra_op_threads = intra_op_threads
        self.models: dict[str, LoadedModel] = {}

    def load_all(self) -> None:
        for config_path in sorted(self.root.glob("*/config.pbtxt")):
            model = self._load(config_path.parent)
            self.models[model.name] = model
        log.info("loaded %d models from %s", len(self.models), self.root)

    def _load(self, model_dir: Path) -> LoadedModel:
        config = read_config(model_dir / "config.pbtxt")
        if not config.name:
            config.name = model_dir.name
        versions = sorted((int(p.name) for p in model_dir.iterdir() if p.is_dir() and p.name.isdigit()))
        if not versions:
            raise ModelLoadError(f"{model_dir}: no numeric version directory")
        version = str(versions[-1])
        onnx_path = model_dir / version / (config.default_model_filename or "model.onnx")
        options = ort.SessionOptions()
        options.intra_op_num_threads = self.intra_op_threads
        options.inter_op_num_threads = 1
        try:
            session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # noqa: BLE001 - onnxruntime raises several types
            raise ModelLoadError(f"{onnx_path}: {exc}") from exc
        return LoadedModel(config.name, version, config, session)

    def get(self, name: str, version: str = "") -> LoadedModel:
        model = self.models.get(name)
        if model is None or (version and version != model.version):
            raise ModelNotFound(f"Request for unknown model: '{name}'"
                                + (f" version {version}" if version else "") + " is not found")
        return model
