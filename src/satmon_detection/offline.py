"""Runs committed models over SMAP test arrays the way the pipeline does, with ONNX Runtime."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import onnxruntime as ort
from google.protobuf import text_format
from tritonclient.grpc import model_config_pb2

from satmon_detection import model_repository as repo
from satmon_detection.evaluation import ChannelScore, aggregate, alert_intervals, score_channel
from satmon_detection.scoring import window_is_anomalous
from satmon_detection.smap import load_channel, load_labels
from satmon_detection.windows import STRIDE, WINDOW_SIZE, sliding_windows, window_starts

__all__ = ["evaluate", "load_model", "score_windows"]


def load_model(model_dir: Path) -> tuple[ort.InferenceSession, float]:
    config = model_config_pb2.ModelConfig()
    text_format.Parse((model_dir / "config.pbtxt").read_text(), config)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(str(model_dir / "1" / "model.onnx"), options, providers=["CPUExecutionProvider"])
    return session, repo.threshold_from_config(config)


def score_windows(session: ort.InferenceSession, windows: np.ndarray, batch: int = repo.MAX_BATCH_SIZE) -> np.ndarray:
    scores = [session.run([repo.SCORE_NAME], {repo.INPUT_NAME: windows[i:i + batch]})[0]
              for i in range(0, len(windows), batch)]
    return np.concatenate(scores) if scores else np.empty((0, WINDOW_SIZE), dtype=np.float32)


def evaluate(repository: Path, channels: Iterable[str] | None = None, data_root: Path | None = None,
             progress: Callable[[str], None] = lambda _: None) -> dict:
    labels = load_labels(data_root)
    results: list[ChannelScore] = []
    for channel in channels or sorted(labels):
        model_dir = repository / repo.model_name(channel)
        session, threshold = load_model(model_dir)
        _, test = load_channel(channel, data_root)
        scores = score_windows(session, sliding_windows(test, WINDOW_SIZE, STRIDE))
        anomalous = np.asarray(window_is_anomalous(scores, threshold))
        alerts = alert_intervals(window_starts(len(test)), anomalous, WINDOW_SIZE)
        results.append(score_channel(channel, alerts, list(labels[channel].sequences), len(test), threshold))
        progress(channel)
    return {"overall": aggregate(results), "channels": [r.to_json() for r in results],
            "method": {"window": WINDOW_SIZE, "stride": STRIDE,
                       "rule": "window anomalous when any per-timestep score > threshold; "
                               "overlapping anomalous windows merge into one alert",
                       "p2_labels": "the two P-2 rows are merged into their union, 5300..6575"}}
