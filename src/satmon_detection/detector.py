"""The online anomaly detector: per-record scores of one stream in, anomaly sequences out.

One `StreamDetector` follows one stream (a satellite's subsystem, or one SMAP
test array in `satmon eval`). It is fed per-record anomaly scores in record
order, the newest stride of rows of each scored window, and decides causally:
a record's decision uses only the scores up to and including it.

The method is telemanom's nonparametric dynamic thresholding (Hundman et al.,
KDD 2018), made online:

1. Smoothing. The record's error (the square root of the model's score, so
   it is in the telemetry's own units) is smoothed with an EWMA.
2. Threshold. Every `refit_every` records the threshold is fitted on the
   trailing `history` smoothed errors: epsilon = mean + z * std, with z the
   value that best separates the history's outliers from the rest (the largest
   relative drop in mean and std for the fewest flagged records and sequences,
   telemanom's objective), never below `floor`.
3. Pruning. A run of records above epsilon becomes an anomaly sequence only
   once its peak stands clearly above every normal error in the history: at
   least `min_percent_above` above the largest error that was below epsilon.
   This is what keeps ordinary bumps of a noisy channel quiet.
4. Sequences. A confirmed sequence stays open while records remain above
   epsilon, and for `merge_gap` records after the last one, so an event that
   dips briefly is one alert, not several; then it closes.

The detector's whole state is a handful of numbers plus the trailing history,
so it checkpoints as a few kilobytes (`to_state` / `from_state`) in the same
transaction as the alerts it produced.
"""

from __future__ import annotations

import struct
from dataclasses import InitVar, dataclass, field, replace

import numpy as np

from satmon_detection.windows import fresh_rows

__all__ = ["DetectorConfig", "StreamDetector", "Sequence", "SequenceEvent", "fit_threshold", "smooth_errors",
           "feed_window"]


@dataclass(frozen=True)
class DetectorConfig:
    """One set of parameters for every channel and every spacecraft."""

    smoothing_span: int = 30          # EWMA span, in records
    history: int = 2000               # trailing smoothed errors the threshold is fitted on
    refit_every: int = 10             # records between threshold fits (one stride)
    warmup: int = 250                 # records seen before any decision (telemanom's l_s)
    z_min: float = 2.5
    z_max: float = 12.0
    z_step: float = 0.5
    max_sequences: int = 5            # a threshold may cut at most this many sequences in the history
    min_percent_above: float = 0.3    # pruning: peak must exceed the largest normal error by this fraction
    floor: float = 0.05               # errors below this (telemetry units) are never anomalous
    merge_gap: int = 100              # records an open sequence waits for the error to return
    min_length: int = 1               # records above epsilon before a sequence may be confirmed

    @property
    def z_values(self) -> np.ndarray:
        return np.arange(self.z_min, self.z_max + self.z_step / 2, self.z_step)


@dataclass
class Sequence:
    """An anomaly sequence in record numbers (inclusive), with its peak smoothed error."""

    start: int
    end: int
    peak: float


@dataclass(frozen=True)
class SequenceEvent:
    """`opened` when a sequence is confirmed, `extended` when it grows, `closed` when it ends."""

    kind: str
    sequence: Sequence  # a snapshot, as it stood at the event
    record: int  # the record whose arrival produced the event
    epsilon: float = float("nan")  # the threshold when the event was raised; sinks grade severity by peak/epsilon


def smooth_errors(scores: np.ndarray, span: int) -> np.ndarray:
    """The detector's smoothing over a whole array: EWMA of sqrt(score), started at the first error."""
    errors = np.sqrt(np.maximum(np.asarray(scores, dtype=np.float64), 0.0))
    alpha = 2.0 / (span + 1.0)
    smoothed = np.empty_like(errors)
    value = errors[0] if len(errors) else 0.0
    for i, error in enumerate(errors):
        value = alpha * error + (1.0 - alpha) * value
        smoothed[i] = value
    return smoothed


def fit_threshold(errors: np.ndarray, config: DetectorConfig) -> tuple[float, float]:
    """(epsilon, largest normal error) for a history of smoothed errors: telemanom's z search."""
    mean, std = float(errors.mean()), float(errors.std())
    if std <= 0.0:
        return max(mean, config.floor), mean
    best_score, epsilon = -np.inf, mean + config.z_max * std
    n = len(errors)
    for z in config.z_values:
        eps = mean + z * std
        above = errors >= eps
        count = int(above.sum())
        if count == 0 or count >= n // 2:
            continue
        below = errors[~above]
        # Sequences: runs of flagged records (a run of one record is a point, not a sequence).
        edges = np.diff(np.concatenate(([0], above.view(np.int8), [0])))
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        sequences = int(((ends - starts) > 1).sum())
        if sequences > config.max_sequences:
            continue
        mean_drop = (mean - below.mean()) / mean if mean > 0 else 0.0
        std_drop = (std - below.std()) / std
        score = (mean_drop + std_drop) / (sequences ** 2 + count)
        if score >= best_score:
            best_score, epsilon = score, eps
    epsilon = max(epsilon, config.floor)
    normal = errors[errors < epsilon]
    return epsilon, float(normal.max()) if len(normal) else 0.0


@dataclass
class StreamDetector:
    """Online detector for one stream. Feed it with `update(first_record, scores)`."""

    config: DetectorConfig = field(default_factory=DetectorConfig)
    seen: int = 0                     # the next expected record number
    count: int = 0                    # records processed (a stream may be joined after its record 0)
    ewma: float = 0.0
    epsilon: float = np.inf
    normal_max: float = 0.0
    since_fit: int = 0
    history: InitVar[np.ndarray | None] = None  # the trailing smoothed errors to start from, oldest first
    candidate: Sequence | None = None  # a run above epsilon, not yet confirmed
    open: Sequence | None = None       # the confirmed sequence still open
    last_above: int = -1               # last record above epsilon in the open sequence
    baseline: float = 0.0              # the model's own normal error level (from its training data)

    def __post_init__(self, history: np.ndarray | None) -> None:
        # The history lives in a buffer twice its length: appends are O(1) and a slice is the
        # window; when the buffer fills, the newest half is moved to the front.
        self._buffer = np.empty(2 * self.config.history, dtype=np.float32)
        kept = np.empty(0) if history is None else np.asarray(history, dtype=np.float32)[-self.config.history:]
        self._buffer[:len(kept)] = kept
        self._end = len(kept)

    def window(self) -> np.ndarray:
        """The trailing smoothed errors, oldest first."""
        return self._buffer[max(0, self._end - self.config.history):self._end]

    # -- feeding -------------------------------------------------------------------------
    def update(self, first_record: int, scores: np.ndarray) -> list[SequenceEvent]:
        """Processes the scores of records first_record, first_record+1, ...

        Records already seen (a redelivered or overlapping window) are skipped, so
        feeding the same rows twice changes nothing. A gap (records never scored)
        is skipped over; the sequence logic counts it as time passing.
        """
        scores = np.asarray(scores, dtype=np.float64)
        skip = self.seen - first_record
        if skip >= len(scores):
            return []
        if skip > 0:
            scores, first_record = scores[skip:], self.seen
        events: list[SequenceEvent] = []
        errors = np.sqrt(np.maximum(scores, 0.0))
        alpha = 2.0 / (self.config.smoothing_span + 1.0)
        end_before = self.open.end if self.open is not None else None
        for offset, error in enumerate(errors):
            record = first_record + offset
            self.ewma = error if self.count == 0 else alpha * error + (1.0 - alpha) * self.ewma
            self.seen, self.count = record + 1, self.count + 1
            events.extend(self._decide(record, self.ewma))
            self._remember(self.ewma)
        # One `extended` per call, not per record: what a sink needs is where the sequence now stands.
        if self.open is not None:
            reported = [e for e in events if e.sequence.start == self.open.start]
            reported_end = reported[-1].sequence.end if reported else end_before
            if reported_end != self.open.end:
                events.append(SequenceEvent("extended", replace(self.open), self.seen - 1, self.epsilon))
        return events

    def flush(self) -> list[SequenceEvent]:
        """Closes the open sequence (end of an evaluation array)."""
        if self.open is None:
            return []
        closed, self.open, self.candidate = self.open, None, None
        return [SequenceEvent("closed", replace(closed), self.seen - 1, self.epsilon)]

    # -- deciding ------------------------------------------------------------------------
    def _decide(self, record: int, smoothed: float) -> list[SequenceEvent]:
        config = self.config
        events: list[SequenceEvent] = []
        if self.count <= config.warmup or not np.isfinite(self.epsilon):
            return events
        above = smoothed > self.epsilon
        if self.open is not None:
            if above:
                self.last_above = record
                self.open.end = record
                self.open.peak = max(self.open.peak, smoothed)
            elif record - self.last_above > config.merge_gap:
                closed, self.open = self.open, None
                events.append(SequenceEvent("closed", replace(closed), record, self.epsilon))
            return events
        if not above:
            self.candidate = None
            return events
        if self.candidate is None:
            self.candidate = Sequence(record, record, smoothed)
        else:
            self.candidate.end = record
            self.candidate.peak = max(self.candidate.peak, smoothed)
        long_enough = self.candidate.end - self.candidate.start + 1 >= config.min_length
        stands_out = self.candidate.peak > max(self.normal_max, self.baseline) * (1.0 + config.min_percent_above)
        if long_enough and stands_out:
            self.open, self.candidate, self.last_above = self.candidate, None, record
            events.append(SequenceEvent("opened", replace(self.open), record, self.epsilon))
        return events

    def _remember(self, smoothed: float) -> None:
        config = self.config
        if self._end == len(self._buffer):
            self._buffer[:config.history] = self._buffer[-config.history:]
            self._end = config.history
        self._buffer[self._end] = smoothed
        self._end += 1
        self.since_fit += 1
        if self.since_fit >= config.refit_every and self._end >= min(config.warmup, config.history):
            self.epsilon, self.normal_max = fit_threshold(self.window().astype(np.float64), config)
            self.since_fit = 0

    # -- checkpoints ---------------------------------------------------------------------
    _HEADER = struct.Struct("<qqddddqq?qqd?qqdq")

    def to_state(self) -> bytes:
        """The detector's whole state as bytes: a fixed header, then the history (float32, as kept)."""
        cand, opened = self.candidate, self.open
        header = self._HEADER.pack(
            self.seen, self.count, self.ewma, self.epsilon, self.normal_max, self.baseline, self.since_fit, self.last_above,
            cand is not None, cand.start if cand else 0, cand.end if cand else 0, cand.peak if cand else 0.0,
            opened is not None, opened.start if opened else 0, opened.end if opened else 0,
            opened.peak if opened else 0.0, len(self.window()))
        return header + self.window().astype("<f4").tobytes()

    @classmethod
    def from_state(cls, state: bytes, config: DetectorConfig | None = None) -> "StreamDetector":
        (seen, count, ewma, epsilon, normal_max, baseline, since_fit, last_above, has_cand, c_start, c_end, c_peak,
         has_open, o_start, o_end, o_peak, n) = cls._HEADER.unpack_from(state)
        history = np.frombuffer(state, dtype="<f4", count=n, offset=cls._HEADER.size)
        return cls(config=config or DetectorConfig(), baseline=baseline, seen=seen, count=count, ewma=ewma, epsilon=epsilon, normal_max=normal_max,
                   since_fit=since_fit, history=history, last_above=last_above,
                   candidate=Sequence(c_start, c_end, c_peak) if has_cand else None,
                   open=Sequence(o_start, o_end, o_peak) if has_open else None)


def feed_window(detector: StreamDetector, start_sequence: int, timestep_scores) -> list[SequenceEvent]:
    """Feeds one scored window's fresh rows (its newest stride; all rows of a stream's first
    window) to the detector. The live pipeline and `satmon eval` both call exactly this."""
    first = fresh_rows(start_sequence, len(timestep_scores))
    return detector.update(start_sequence + first, np.asarray(timestep_scores)[first:])
