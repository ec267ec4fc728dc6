"""The writer's stream handling around the detector: identity, order, gaps (pure, no servers)."""

from __future__ import annotations

import random

import numpy as np

from satmon.detection.v1 import events_pb2, job_pb2
from satmon.telemetry.v1 import telemetry_pb2
from satmon_detection.detector import DetectorConfig
from satmon_detection.windows import window_starts
from satmon_writer.domain.detection import MAX_HELD_WINDOWS, apply_results, stream_results

BASE_S = 1_700_000_000


def _results(scores: np.ndarray, base_s: int = BASE_S, phase: int = 0) -> list[events_pb2.InferenceResult]:
    out = []
    for start in window_starts(len(scores), phase=phase):
        r = events_pb2.InferenceResult(job_id=f"j{start}", satellite_id="SAT-001",
                                       subsystem="acs", model_name="SMAP_A-1",
                                       start_sequence=int(start), threshold=0.05 ** 2,
                                       source=job_pb2.JOB_SOURCE_STREAM,
                                       timestep_scores=scores[start:start + 30].tolist())
        for i in range(30):
            r.sample_times.add().FromSeconds(base_s + int(start) + i)
        out.append(r)
    return out


def _scores() -> np.ndarray:
    errors = np.abs(np.random.default_rng(3).normal(0, 0.02, 4000))
    errors[3000:3050] += 0.8
    return errors ** 2


def _events(batches) -> list:
    state, events = None, []
    for batch in batches:
        (stream,) = stream_results(batch).values()
        state, changes = apply_results(state, stream, DetectorConfig())
        events += [(c.event.kind, c.event.sequence.start, c.event.record) for c in changes]
    return events


def test_one_stream_per_replay_identified_by_its_record_zero_time():
    first, second = _results(_scores()[:300]), _results(_scores()[:300], base_s=BASE_S - 7200)
    keys = set(stream_results(first[5:8] + second[2:4]))
    assert len(keys) == 2 and {k[:2] for k in keys} == {("SAT-001", "acs")}


def test_a_stream_and_its_labels_share_one_identity_whatever_the_fraction_of_a_second():
    from satmon_writer.domain.detection import stream_identity, stream_start

    window = _results(_scores()[:100])[3]
    offset_ns = 400_000_000  # the simulator places replays at any fraction of a second
    for t in window.sample_times:
        t.FromNanoseconds(t.ToNanoseconds() + offset_ns)
    assert stream_start(window) == stream_identity(BASE_S * 1_000_000_000 + offset_ns)


def test_windows_out_of_order_raise_what_windows_in_order_raise():
    results = _results(_scores())
    in_order = _events([results[i:i + 7] for i in range(0, len(results), 7)])
    # reorder within batches of 7, as concurrent workers do
    local = []
    for i in range(0, len(results), 7):
        batch = results[i:i + 7]
        random.Random(i).shuffle(batch)
        local.append(batch)
    assert in_order and [e[0] for e in in_order].count("opened") == 1
    assert _events(local) == in_order


def test_a_phased_stream_out_of_order_raises_what_satmon_eval_raises_at_that_phase():
    from satmon_detection.offline import detect

    scores, phase = _scores(), 7
    results = _results(scores, phase=phase)
    shuffled = []
    for i in range(0, len(results), 7):
        batch = results[i:i + 7]
        random.Random(i).shuffle(batch)
        shuffled.append(batch)
    starts = window_starts(len(scores), phase=phase)
    offline = detect(np.stack([scores[s:s + 30] for s in starts]), starts, 0.05 ** 2)
    live = [e for e in _events(shuffled) if e[0] == "opened"]
    assert offline and [(a.start, a.raised_at) for a in offline] == [(e[1], e[2]) for e in live]


def test_a_window_never_scored_holds_the_stream_only_for_a_while():
    results = _results(_scores())
    missing = results[:50] + results[51:]  # window 50 (records 500-529) never arrives
    events = _events([missing[i:i + 5] for i in range(0, len(missing), 5)])
    assert [e[0] for e in events].count("opened") == 1  # the anomaly at 3000 is still raised
    state, _ = apply_results(None, missing[:60], DetectorConfig())
    assert len(state.held) == 0 or len(state.held) < MAX_HELD_WINDOWS


def test_a_model_alert_is_critical_once_its_peak_reaches_the_critical_ratio_of_epsilon():
    from satmon_detection.detector import Sequence, SequenceEvent
    from satmon_writer.domain.detection import CRITICAL_RATIO, severity_of

    def event(peak: float, epsilon: float) -> SequenceEvent:
        return SequenceEvent("opened", Sequence(10, 12, peak), 12, epsilon)

    assert severity_of(event(1.2, 1.0)) == "warning"
    assert severity_of(event(CRITICAL_RATIO, 1.0)) == "critical"
    assert severity_of(event(5.0, 0.0)) == "warning", "no threshold yet: nothing to stand above"


def test_windows_held_for_a_gap_are_kept_without_their_prediction_and_fed_ones_are_not_kept():
    results = _results(_scores())
    for r in results:
        r.reconstruction.extend([0.5] * 30)
        r.feature_count = 1
    state, _ = apply_results(None, results[:10] + results[11:20], DetectorConfig())  # window 10 is late
    assert sorted(state.held) == [int(r.start_sequence) for r in results[11:20]]
    assert all(not held.reconstruction and len(held.timestep_scores) == 30 for held in state.held.values())
    state, _ = apply_results(state, [results[10]], DetectorConfig())
    assert state.held == {} and state.detector.seen == results[19].start_sequence + 30
