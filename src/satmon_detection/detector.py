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
5. The inverse test (option `inverse`, telemanom's): the same threshold search
   and pruning on the history mirrored about its mean find abnormal *drops* in
   error, such as a noisy sensor that freezes and so becomes perfectly
   predictable. A drop is a sequence like any other; its `peak` is its lowest
   error.

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

    smoothing_span: int = 60          # EWMA span, in records
    history: int = 2000               # trailing smoothed errors the threshold is fitted on
    refit_every: int = 10             # records between threshold fits (one stride)
    warmup: int = 250                 # records seen before any decision (telemanom's l_s)
    z_min: float = 2.5
    z_max: float = 12.0
    z_step: float = 0.5
    max_sequences: int = 5            # a threshold may cut at most this many sequences in the history
    min_percent_above: float = 0.2    # pruning: peak must exceed the largest normal error by this fraction
    floor: float = 0.05               # errors below this (telemetry units) are never anomalous
    merge_gap: int = 50               # records an open sequence waits for the error to return
    min_length: int = 1               # records above epsilon before a sequence may be confirmed
    exclude_flagged: bool = False     # records above epsilon in a candidate or open sequence stay out of the history
    exclude_limit: int = 2000         # ... but at most this many in a row (a lasting level shift becomes the normal)
    onset: bool = True                # an opened sequence starts at its CUSUM change point, not its first crossing
    onset_drift: float = 2.0          # CUSUM allowance k, in standard deviations of the history
    onset_lookback: int = 500         # records the change point may lie before the first crossing
    inverse: bool = False             # also flag abnormal drops in error (telemanom's inverse test)

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
    epsilon: float = 0.0  # the threshold the sequence stood above, at the event


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
    """(epsilon, largest normal error) for a history of smoothed errors: telemanom's z search.

    Every candidate z is scored at once, from the history sorted once: how many errors lie above
    each candidate epsilon, the mean and spread of those below it (prefix sums), and how many runs
    of two or more flagged records it cuts (see `_runs_above`). The writer fits every stream every
    ten records, so this is most of the detector's cost per record."""
    mean, std = float(errors.mean()), float(errors.std())
    if std <= 0.0:
        return max(mean, config.floor), mean
    n = len(errors)
    ordered = np.sort(errors)
    candidates = mean + config.z_values * std
    below = np.searchsorted(ordered, candidates, side="left")  # errors < eps; the rest are flagged
    count = n - below
    sequences = _runs_above(errors, candidates)
    usable = (count > 0) & (count < n // 2) & (sequences <= config.max_sequences)
    epsilon = mean + config.z_max * std
    if usable.any():
        # Mean and spread of the errors below each epsilon, centred on the history's mean so the
        # sums of squares lose no precision.
        centred = ordered - mean
        sums = np.concatenate(([0.0], np.cumsum(centred)))[below]
        squares = np.concatenate(([0.0], np.cumsum(centred * centred)))[below]
        kept = np.maximum(below, 1)
        below_mean = sums / kept
        below_std = np.sqrt(np.maximum(squares / kept - below_mean * below_mean, 0.0))
        mean_drop = -below_mean / mean if mean > 0 else np.zeros_like(below_mean)
        std_drop = (std - below_std) / std
        score = np.where(usable, (mean_drop + std_drop) / np.maximum(sequences ** 2 + count, 1), -np.inf)
        # The largest score wins; among equal scores the largest z (the search kept the last best).
        epsilon = float(candidates[len(score) - 1 - int(np.argmax(score[::-1]))])
    epsilon = max(epsilon, config.floor)
    normal = int(np.searchsorted(ordered, epsilon, side="left"))
    return epsilon, float(ordered[normal - 1]) if normal else 0.0


def _runs_above(errors: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """For each candidate epsilon (ascending, as fit_threshold's are), the runs of two or more records
    at or above it (a run of one record is a point, not a sequence). Such a run starts at record i
    when records i and i+1 are flagged and record i-1 is not: min(e[i], e[i+1]) >= eps > e[i-1].
    Counting the pairs with min >= eps, less those whose predecessor is flagged too, takes two counts
    against the candidates."""
    pairs = np.minimum(errors[:-1], errors[1:])
    with_flagged_predecessor = np.minimum(pairs[1:], errors[:-2])
    return _at_or_above(pairs, candidates) - _at_or_above(with_flagged_predecessor, candidates)


def _at_or_above(values: np.ndarray, ascending: np.ndarray) -> np.ndarray:
    """How many values are >= each of the ascending candidates: each value placed among the few
    candidates, then counted per place. Half the cost of sorting the values at a full history
    (2,000 records against 20 candidates, refitted once a window for every stream)."""
    places = np.searchsorted(ascending, values, side="right")  # how many candidates are <= each value
    return len(values) - np.cumsum(np.bincount(places, minlength=len(ascending) + 1))[:len(ascending)]


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
    excluded: int = 0                  # flagged records in a row kept out of the history (exclude_flagged)
    level: float = 0.0                 # the history's mean and standard deviation at the last fit (onset)
    spread: float = 0.0
    cusum: float = 0.0                 # CUSUM of standardised smoothed errors above level + onset_drift * spread
    cusum_start: int = 0               # the first record of the CUSUM's current climb (its change point)
    epsilon_low: float = -np.inf       # inverse test: errors below this are a drop ...
    inverse_normal_max: float = 0.0    # ... confirmed once mirrored they stand out above this
    dropping: bool = False             # the candidate or open sequence is a drop, not a rise

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
            self._track_onset(record, self.ewma)
            events.extend(self._decide(record, self.ewma))
            if self._keeps(self.ewma):
                self._remember(self.ewma)
        # One `extended` per call, not per record: what a sink needs is where the sequence now stands.
        if self.open is not None:
            reported = [e for e in events if e.sequence.start == self.open.start]
            reported_end = reported[-1].sequence.end if reported else end_before
            if reported_end != self.open.end:
                events.append(SequenceEvent("extended", replace(self.open), self.seen - 1, self._threshold()))
        return events

    def flush(self) -> list[SequenceEvent]:
        """Closes the open sequence (end of an evaluation array)."""
        if self.open is None:
            return []
        closed, self.open, self.candidate = self.open, None, None
        return [SequenceEvent("closed", replace(closed), self.seen - 1, self._threshold())]

    # -- deciding ------------------------------------------------------------------------
    def _decide(self, record: int, smoothed: float) -> list[SequenceEvent]:
        config = self.config
        events: list[SequenceEvent] = []
        if self.count <= config.warmup or not np.isfinite(self.epsilon):
            return events
        above, below = smoothed > self.epsilon, smoothed < self.epsilon_low
        if self.open is not None:
            if below if self.dropping else above:
                self.last_above = record
                self.open.end = record
                self.open.peak = min(self.open.peak, smoothed) if self.dropping else max(self.open.peak, smoothed)
            elif record - self.last_above > config.merge_gap:
                closed, self.open = self.open, None
                events.append(SequenceEvent("closed", replace(closed), record, self._threshold()))
            return events
        if not (above or below):
            self.candidate = None
            return events
        if self.candidate is None or self.dropping != below:
            self.candidate, self.dropping = Sequence(record, record, smoothed), below
        else:
            self.candidate.end = record
            self.candidate.peak = min(self.candidate.peak, smoothed) if below else max(self.candidate.peak, smoothed)
        long_enough = self.candidate.end - self.candidate.start + 1 >= config.min_length
        if long_enough and self._stands_out(self.candidate.peak):
            if config.onset and not self.dropping:
                # The error climbed before it crossed epsilon: report where the climb began.
                self.candidate.start = max(min(self.candidate.start, self.cusum_start),
                                           self.candidate.start - config.onset_lookback)
            self.open, self.candidate, self.last_above = self.candidate, None, record
            events.append(SequenceEvent("opened", replace(self.open), record, self._threshold()))
        return events

    def _stands_out(self, peak: float) -> bool:
        """Pruning: a rise's peak must exceed the largest normal error by `min_percent_above`; a drop,
        mirrored about the history's mean, must exceed the largest mirrored normal error the same way."""
        margin = 1.0 + self.config.min_percent_above
        if self.dropping:
            return 2.0 * self.level - peak > self.inverse_normal_max * margin
        return peak > max(self.normal_max, self.baseline) * margin

    def _threshold(self) -> float:
        """The threshold the current sequence crossed (for a drop, the one it fell under)."""
        return self.epsilon_low if self.dropping else self.epsilon

    def _track_onset(self, record: int, smoothed: float) -> None:
        """Page's CUSUM of the smoothed error standardised by the history at the last fit: it is 0
        while the error stays near its level, and the record after its last 0 is where a rise began."""
        if self.spread <= 0.0:
            return
        step = (smoothed - self.level) / self.spread - self.config.onset_drift
        if self.cusum <= 0.0:
            self.cusum_start = record
        self.cusum = max(0.0, self.cusum + step)

    def _keeps(self, smoothed: float) -> bool:
        """Whether the record joins the history: with `exclude_flagged`, a record above epsilon in a
        candidate or open sequence does not, so an anomaly neither raises the threshold nor becomes
        the "largest normal error" that hides the next one (telemanom excludes flagged sequences the
        same way). A run of more than `exclude_limit` such records is a new normal, and joins."""
        outside = smoothed > self.epsilon or smoothed < self.epsilon_low
        flagged = outside and (self.open is not None or self.candidate is not None)
        if not (self.config.exclude_flagged and flagged):
            self.excluded = 0
            return True
        if self.excluded >= self.config.exclude_limit:
            return True
        self.excluded += 1
        return False

    def _remember(self, smoothed: float) -> None:
        config = self.config
        if self._end == len(self._buffer):
            self._buffer[:config.history] = self._buffer[-config.history:]
            self._end = config.history
        self._buffer[self._end] = smoothed
        self._end += 1
        self.since_fit += 1
        if self.since_fit >= config.refit_every and self._end >= min(config.warmup, config.history):
            history = self.window().astype(np.float64)
            self.epsilon, self.normal_max = fit_threshold(history, config)
            self.level, self.spread = float(history.mean()), float(history.std())
            if config.inverse:
                self._fit_inverse(history)
            self.since_fit = 0

    def _fit_inverse(self, history: np.ndarray) -> None:
        """The inverse test's threshold: telemanom's z search on the history mirrored about its mean.
        A channel whose errors are below the floor has no drop worth an alert."""
        if self.level <= self.config.floor:
            self.epsilon_low, self.inverse_normal_max = -np.inf, 0.0
            return
        mirrored_epsilon, self.inverse_normal_max = fit_threshold(2.0 * self.level - history,
                                                                  replace(self.config, floor=0.0))
        self.epsilon_low = 2.0 * self.level - mirrored_epsilon

    # -- checkpoints ---------------------------------------------------------------------
    # Checkpoint format 3: a magic prefix, a fixed header, then the history (float32, as kept). Formats
    # 2 (no inverse test) and 1 (no prefix, shorter header) are still read, so a writer upgraded
    # mid-stream resumes its streams.
    _MAGIC = b"\xffSD3"
    _MAGIC_V2 = b"\xffSD2"
    _HEADER_V1 = struct.Struct("<qqddddqq?qqd?qqdq")
    _HEADER_V2 = struct.Struct("<qqddddqq?qqd?qqdqqdddq")
    _HEADER = struct.Struct("<qqddddqq?qqd?qqdqqdddqdd?")

    def to_state(self) -> bytes:
        """The detector's whole state as bytes."""
        cand, opened = self.candidate, self.open
        header = self._HEADER.pack(
            self.seen, self.count, self.ewma, self.epsilon, self.normal_max, self.baseline, self.since_fit, self.last_above,
            cand is not None, cand.start if cand else 0, cand.end if cand else 0, cand.peak if cand else 0.0,
            opened is not None, opened.start if opened else 0, opened.end if opened else 0,
            opened.peak if opened else 0.0, len(self.window()),
            self.excluded, self.level, self.spread, self.cusum, self.cusum_start,
            self.epsilon_low, self.inverse_normal_max, self.dropping)
        return self._MAGIC + header + self.window().astype("<f4").tobytes()

    @classmethod
    def from_state(cls, state: bytes, config: DetectorConfig | None = None) -> "StreamDetector":
        no_inverse = (-np.inf, 0.0, False)
        if state.startswith(cls._MAGIC):
            fields, offset = cls._HEADER.unpack_from(state, len(cls._MAGIC)), len(cls._MAGIC) + cls._HEADER.size
        elif state.startswith(cls._MAGIC_V2):
            fields = cls._HEADER_V2.unpack_from(state, len(cls._MAGIC_V2)) + no_inverse
            offset = len(cls._MAGIC_V2) + cls._HEADER_V2.size
        else:
            fields, offset = cls._HEADER_V1.unpack_from(state) + (0, 0.0, 0.0, 0.0, 0) + no_inverse, cls._HEADER_V1.size
        (seen, count, ewma, epsilon, normal_max, baseline, since_fit, last_above, has_cand, c_start, c_end, c_peak,
         has_open, o_start, o_end, o_peak, n, excluded, level, spread, cusum, cusum_start,
         epsilon_low, inverse_normal_max, dropping) = fields
        history = np.frombuffer(state, dtype="<f4", count=n, offset=offset)
        return cls(config=config or DetectorConfig(), baseline=baseline, seen=seen, count=count, ewma=ewma,
                   epsilon=epsilon, normal_max=normal_max, since_fit=since_fit, history=history,
                   last_above=last_above, excluded=excluded, level=level, spread=spread, cusum=cusum,
                   cusum_start=cusum_start, epsilon_low=epsilon_low, inverse_normal_max=inverse_normal_max,
                   dropping=dropping,
                   candidate=Sequence(c_start, c_end, c_peak) if has_cand else None,
                   open=Sequence(o_start, o_end, o_peak) if has_open else None)


def feed_window(detector: StreamDetector, start_sequence: int, timestep_scores) -> list[SequenceEvent]:
    """Feeds one scored window's fresh rows (its newest stride; all rows of a stream's first
    window) to the detector. The live pipeline and `satmon eval` both call exactly this."""
    first = fresh_rows(start_sequence, len(timestep_scores))
    return detector.update(start_sequence + first, np.asarray(timestep_scores)[first:])
