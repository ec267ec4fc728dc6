"""A forecaster any spacecraft class can train in seconds, with numpy alone: each record's values
predicted linearly from the record before (ridge regression on standardised values), exported to
ONNX with the same interface as SMAP's models, so Triton, the worker and the online detector serve
it unchanged.

    input          window          (batch, 30, P)   the subsystem's P parameters
    outputs        reconstruction  (batch, 30, P)   row 0 as given, rows 1.. forecast from the row before
                   score           (batch, 30)      mean squared standardised forecast error of the
                                                    telemetry parameters (0 for row 0)

The threshold (its normal error level) is the largest error, smoothed as the detector smooths, on
the held-out last 20 % of the training rows, squared into score units, as for SMAP's models.
Training reads only the archive's values, never labels.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from satmon_detection import model_repository as repo
from satmon_detection.detector import DetectorConfig, smooth_errors
from satmon_detection.windows import WINDOW_SIZE

__all__ = ["LinearForecaster", "fit", "export_model"]

RIDGE = 1e-3
HOLDOUT = 0.2
MIN_STD = 1e-6


@dataclass
class LinearForecaster:
    mean: np.ndarray      # (P,)
    std: np.ndarray       # (P,)
    weights: np.ndarray   # (P, P): standardised row t-1 -> row t
    bias: np.ndarray      # (P,)
    telemetry: np.ndarray  # (P,) 1 for telemetry parameters, 0 for command flags
    threshold: float = 0.0

    def scores(self, values: np.ndarray) -> np.ndarray:
        """Per-row scores of a whole (rows, P) series, as the model gives them inside a window."""
        z = (values - self.mean) / self.std
        forecast = z[:-1] @ self.weights + self.bias
        errors = ((z[1:] - forecast) ** 2 * self.telemetry).sum(axis=1) / max(1.0, self.telemetry.sum())
        return np.concatenate([[0.0], errors])


def fit(series: list[np.ndarray], telemetry_indices: tuple[int, ...]) -> LinearForecaster:
    """Fits on the first 80 % of each series' rows; sets the threshold on the rest."""
    width = series[0].shape[1]
    splits = [int(len(s) * (1 - HOLDOUT)) for s in series]
    train = np.concatenate([s[:n] for s, n in zip(series, splits)])
    mean = train.mean(axis=0)
    std = np.maximum(train.std(axis=0), MIN_STD)
    xs, ys = [], []
    for s, n in zip(series, splits):
        z = (s[:n] - mean) / std
        xs.append(z[:-1])
        ys.append(z[1:])
    x, y = np.concatenate(xs), np.concatenate(ys)
    x1 = np.hstack([x, np.ones((len(x), 1))])
    solution = np.linalg.solve(x1.T @ x1 + RIDGE * np.eye(width + 1), x1.T @ y)
    telemetry = np.zeros(width)
    telemetry[list(telemetry_indices)] = 1.0
    model = LinearForecaster(mean, std, solution[:-1], solution[-1], telemetry)
    held_out = np.concatenate([smooth_errors(model.scores(s), DetectorConfig().smoothing_span)[n:]
                               for s, n in zip(series, splits)])
    model.threshold = float(held_out.max()) ** 2
    return model


def _onnx_model(model: LinearForecaster, window: int):
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    width = len(model.mean)
    f32 = np.float32

    def const(name, array):
        return numpy_helper.from_array(np.asarray(array, dtype=f32), name)

    def ints(name, values):
        return numpy_helper.from_array(np.asarray(values, dtype=np.int64), name)

    inits = [const("mean", model.mean), const("std", model.std), const("weights", model.weights),
             const("bias", model.bias), const("mask", model.telemetry / max(1.0, model.telemetry.sum())),
             ints("zero", [0]), ints("one", [1]), ints("last", [window - 1]), ints("axis1", [1]), ints("axis2", [2])]
    nodes = [
        helper.make_node("Sub", ["window", "mean"], ["centred"]),
        helper.make_node("Div", ["centred", "std"], ["z"]),
        helper.make_node("Slice", ["z", "zero", "last", "axis1"], ["previous"]),
        helper.make_node("Slice", ["z", "zero", "one", "axis1"], ["first"]),
        helper.make_node("MatMul", ["previous", "weights"], ["projected"]),
        helper.make_node("Add", ["projected", "bias"], ["forecast"]),
        helper.make_node("Concat", ["first", "forecast"], ["z_hat"], axis=1),
        helper.make_node("Sub", ["z", "z_hat"], ["error"]),
        helper.make_node("Mul", ["error", "error"], ["squared"]),
        helper.make_node("Mul", ["squared", "mask"], ["weighted"]),
        helper.make_node("ReduceSum", ["weighted", "axis2"], [repo.SCORE_NAME], keepdims=0),
        helper.make_node("Mul", ["z_hat", "std"], ["scaled"]),
        helper.make_node("Add", ["scaled", "mean"], [repo.RECONSTRUCTION_NAME]),
    ]
    graph = helper.make_graph(
        nodes, "linear_forecaster",
        [helper.make_tensor_value_info(repo.INPUT_NAME, TensorProto.FLOAT, ["batch", window, width])],
        [helper.make_tensor_value_info(repo.RECONSTRUCTION_NAME, TensorProto.FLOAT, ["batch", window, width]),
         helper.make_tensor_value_info(repo.SCORE_NAME, TensorProto.FLOAT, ["batch", window])],
        inits)
    # Opset 13 and IR 8: what the ONNX Runtime inside the local Triton (1.20) and production load.
    onnx_model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], ir_version=8)
    onnx.checker.check_model(onnx_model)
    return onnx_model


def export_model(model: LinearForecaster, name: str, out_root: Path, extra: dict[str, str]) -> Path:
    """Writes <out_root>/<name>/1/model.onnx, config.pbtxt and training.json; returns the model folder."""
    import onnx

    folder = out_root / name
    (folder / "1").mkdir(parents=True, exist_ok=True)
    onnx.save(_onnx_model(model, WINDOW_SIZE), str(folder / "1" / "model.onnx"))
    (folder / "config.pbtxt").write_text(repo.render_config(
        name, WINDOW_SIZE, len(model.mean), model.threshold,
        {"architecture": "linear-forecaster", **extra,
         "threshold_rule": "squared largest smoothed error on the held-out 20 % of the archive"}))
    (folder / "training.json").write_text(json.dumps({"threshold": model.threshold, **extra}, indent=2,
                                                     sort_keys=True) + "\n")
    return folder
