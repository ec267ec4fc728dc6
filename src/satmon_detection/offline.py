"""`satmon eval`: the committed models and the live detector over the SMAP test arrays.

Each test array is cut into the scheduler's windows (30 rows, stride 10, at phase 0
unless told: see `satmon_detection.windows`), scored
with the committed ONNX model (ONNX Runtime, as Triton's backend runs it), and
the scores are fed to `StreamDetector` through `feed_window`, window by window
in record order: the same class and the same call the writer makes for a live
stream. Every alert it raises is one interval in the report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnxruntime as ort
from google.protobuf import text_format
from tritonclient.grpc import model_config_pb2

from satmon_detection import model_repository as repo
from satmon_detection.detector import DetectorConfig, StreamDetector, feed_window
from satmon_detection.evaluation import Alert, ChannelScore, aggregate, score_channel
from satmon_detection.smap import load_channel, load_labels
from satmon_detection.windows import STRIDE, WINDOW_SIZE, fresh_rows, sliding_windows, window_starts

__all__ = ["evaluate", "load_model", "score_windows", "detect", "ScoredChannel", "score_channels", "detect_channel"]


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


def detect(window_scores: np.ndarray, starts: np.ndarray, threshold: float,
           config: DetectorConfig | None = None) -> list[Alert]:
    """Alerts the live detector raises over one stream's scored windows, in record order."""
    detector = StreamDetector(config or DetectorConfig(), baseline=float(np.sqrt(threshold)))
    alerts: list[Alert] = []
    events = [e for start, scores in zip(starts, window_scores) for e in feed_window(detector, int(start), scores)]
    for event in events + detector.flush():
        if event.kind == "opened":
            alerts.append(Alert(event.sequence.start, event.sequence.end, event.record))
        elif event.kind in ("extended", "closed"):
            alerts[-1] = Alert(alerts[-1].start, event.sequence.end, alerts[-1].raised_at)
    return alerts


@dataclass(frozen=True)
class ScoredChannel:
    """One channel's test array through its model: what every detector setting is run over."""

    channel: str
    window_scores: np.ndarray  # (windows, WINDOW_SIZE) per-row scores
    starts: np.ndarray         # each window's first record
    threshold: float           # the model's normal error level (score units)
    labels: list[tuple[int, int]]
    length: int

    def record_scores(self) -> np.ndarray:
        """Each record's score as the detector is fed it: the fresh rows of the window that first
        covers the record (see `feed_window`)."""
        scores = np.zeros(self.length)
        for start, window in zip(self.starts, self.window_scores):
            first = fresh_rows(int(start), len(window))
            scores[int(start) + first:int(start) + len(window)] = window[first:]
        return scores


def score_channels(repository: Path, channels: Iterable[str] | None = None, data_root: Path | None = None,
                   progress: Callable[[str], None] = lambda _: None, window_phase: int = 0) -> list[ScoredChannel]:
    """Scores every chosen channel's test array once, in the scheduler's windows."""
    labels = load_labels(data_root)
    scored = []
    for channel in channels or sorted(labels):
        session, threshold = load_model(repository / repo.model_name(channel))
        _, test = load_channel(channel, data_root)
        scored.append(ScoredChannel(
            channel, score_windows(session, sliding_windows(test, WINDOW_SIZE, STRIDE, window_phase)),
            window_starts(len(test), WINDOW_SIZE, STRIDE, window_phase), threshold,
            list(labels[channel].sequences), len(test)))
        progress(channel)
    return scored


def detect_channel(scored: ScoredChannel, config: DetectorConfig) -> ChannelScore:
    """The live detector over one scored channel, scored against its labels."""
    alerts = detect(scored.window_scores, scored.starts, scored.threshold, config)
    return score_channel(scored.channel, alerts, scored.labels, scored.length, scored.threshold)


def evaluate(repository: Path, channels: Iterable[str] | None = None, data_root: Path | None = None,
             progress: Callable[[str], None] = lambda _: None, window_phase: int = 0,
             config: DetectorConfig | None = None) -> dict:
    config = config or DetectorConfig()
    results = [detect_channel(scored, config)
               for scored in score_channels(repository, channels, data_root, progress, window_phase)]
    return {"overall": aggregate(results), "channels": [r.to_json() for r in results],
            "method": {"window": WINDOW_SIZE, "stride": STRIDE, "window_phase": window_phase, "detector": config.__dict__,
                       "rule": "StreamDetector (online EWMA + nonparametric dynamic threshold, causal) fed each "
                               "window's fresh rows in record order; one alert per confirmed anomaly sequence",
                       "event_rule": "Hundman: a labelled sequence is detected once if any alert overlaps it; "
                                     "an alert overlapping no sequence is one false alert",
                       "delay": "records from a labelled sequence's start to the record that raised the alert",
                       "p2_labels": "the two P-2 rows are merged into their union, 5300..6575"}}
