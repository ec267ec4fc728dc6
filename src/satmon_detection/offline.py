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
from typing import NamedTuple
from pathlib import Path

import numpy as np
import onnxruntime as ort
from google.protobuf import text_format
from tritonclient.grpc import model_config_pb2

from satmon_detection import model_repository as repo
from satmon_detection.detector import DetectorConfig, StreamDetector, feed_window
from satmon_detection.evaluation import Alert, ChannelScore, aggregate, score_channel
from satmon_detection.smap import load_channel, load_labels
from satmon_detection.windows import STRIDE, WINDOW_SIZE, per_record, window_starts, with_context

__all__ = ["evaluate", "LoadedModel", "load_model", "score_windows", "detect", "ScoredChannel", "score_channels", "detect_channel"]


class LoadedModel(NamedTuple):
    session: ort.InferenceSession
    threshold: float  # the model's normal error level (score units)
    context: int      # rows before each window the model reads: its input's rows beyond WINDOW_SIZE

    def score(self, values: np.ndarray, phase: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """(window starts, per-row scores of each window) over a (T, features) array, the windows
        cut as the scheduler cuts a stream's with this phase, each with its context."""
        starts = window_starts(len(values), WINDOW_SIZE, STRIDE, phase)
        return starts, score_windows(self.session, with_context(values, starts, WINDOW_SIZE, self.context))


def load_model(model_dir: Path) -> LoadedModel:
    config = model_config_pb2.ModelConfig()
    text_format.Parse((model_dir / "config.pbtxt").read_text(), config)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(str(model_dir / "1" / "model.onnx"), options, providers=["CPUExecutionProvider"])
    return LoadedModel(session, repo.threshold_from_config(config), repo.context_from_config(config))


def score_windows(session: ort.InferenceSession, windows: np.ndarray, batch: int = repo.MAX_BATCH_SIZE) -> np.ndarray:
    scores = [session.run([repo.SCORE_NAME], {repo.INPUT_NAME: np.ascontiguousarray(windows[i:i + batch])})[0]
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
        return per_record(self.starts, self.window_scores, self.length)


def score_channels(repository: Path, channels: Iterable[str] | None = None, data_root: Path | None = None,
                   progress: Callable[[str], None] = lambda _: None, window_phase: int = 0) -> list[ScoredChannel]:
    """Scores every chosen channel's test array once, in the scheduler's windows."""
    labels = load_labels(data_root)
    scored = []
    for channel in channels or sorted(labels):
        model = load_model(repository / repo.model_name(channel))
        _, test = load_channel(channel, data_root)
        starts, scores = model.score(test, window_phase)
        scored.append(ScoredChannel(channel, scores, starts, model.threshold, list(labels[channel].sequences),
                                    len(test)))
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
