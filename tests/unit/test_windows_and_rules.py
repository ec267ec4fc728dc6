from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from satmon.detection.v1 import events_pb2 as events_pb2_detection
from satmon.detection.v1 import job_pb2
from satmon.telemetry.v1 import events_pb2, telemetry_pb2
from satmon_core import packed_floats
from satmon_detection.windows import fresh_rows, sliding_windows, stream_phase, window_starts
from satmon_scheduler.domain.rules import RuleEngine
from satmon_scheduler.adapters.task_queue import model_chunks
from satmon_scheduler.domain.samples import Sample
from satmon_scheduler.domain.scheduler import RULE_LAG_NS, SUBSYSTEM_NAMES, StreamScheduler, build_window
from satmon_scheduler.domain.windows import ClosedWindow, Row, WindowBuffer, WindowSpec, packed_row
from satmon_worker.domain.scoring import window_array
from satmon_worker.errors import BadWindow


def row(seq: int, t: int | None = None) -> Row:
    return packed_row(seq, (t if t is not None else seq) * 10**9, packed_floats.pack([float(seq)] * 25), 0, seq)


def test_window_closes_at_30_then_every_stride():
    buffer = WindowBuffer(WindowSpec(30, 10))
    closed = [s for s in range(100) if buffer.add(row(s))]
    assert closed == [29, 39, 49, 59, 69, 79, 89, 99]
    assert list(window_starts(100)) == [c - 29 for c in closed]


@pytest.mark.parametrize("phase", range(10))
def test_a_stream_closes_windows_every_stride_from_its_phase(phase):
    buffer = WindowBuffer(WindowSpec(30, 10), phase)
    closed = [s for s in range(100) if buffer.add(row(s))]
    assert closed == list(range(29 + phase, 100, 10))
    assert list(window_starts(100, phase=phase)) == [c - 29 for c in closed]


@pytest.mark.parametrize("phase", range(10))
def test_every_record_from_the_phase_on_is_a_fresh_row_of_exactly_one_window(phase):
    """What the writer stores and the detector reads: each record from the phase on gets its score
    from one window."""
    covered = [start + i for start in window_starts(95, phase=phase)
               for i in range(fresh_rows(int(start), 30), 30)]
    assert covered == list(range(phase, phase + len(covered))) and covered[-1] >= 95 - 10


def test_stream_phases_are_stable_and_spread_a_fleet_over_the_stride():
    assert stream_phase("SAT-001", "acs") == stream_phase("SAT-001", "acs")  # crc32: no per-process salt
    phases = [stream_phase(f"SAT-{k:03d}", subsystem) for k in range(1, 1001)
              for subsystem in ("acs", "data", "eps", "fsw", "ps", "ss", "tcs")]
    counts = np.bincount(phases, minlength=10)
    assert counts.min() > 0.9 * len(phases) / 10, counts


def test_duplicates_are_ignored_and_an_older_stream_restarts():
    buffer = WindowBuffer(WindowSpec(30, 10))
    for s in range(30):
        buffer.add(row(s))
    assert buffer.add(row(29)) is None and buffer.add(row(5)) is None
    assert len(buffer.rows) == 30
    buffer.add(row(0, t=-100))  # a replay placed earlier in time
    assert len(buffer.rows) == 1


def test_closed_window_holds_the_newest_30_rows():
    buffer = WindowBuffer(WindowSpec(30, 10))
    windows = [w for s in range(60) if (w := buffer.add(row(s)))]
    assert [r.sequence for r in windows[-1].rows] == list(range(30, 60))


def test_sliding_windows_shape():
    values = np.arange(100 * 25, dtype=np.float32).reshape(100, 25)
    windows = sliding_windows(values)
    assert windows.shape == (8, 30, 25) and windows[1, 0, 0] == values[10, 0]


def hk(soc=80.0, temp=20.0, thruster=False):
    return SimpleNamespace(battery_soc_percent=soc, obc_temperature_c=temp, thruster_active=thruster)


def test_rules_fire_on_rising_edges_only():
    engine = RuleEngine()
    assert engine.evaluate("S", 1, hk(soc=20)) == []          # first sample seeds
    assert engine.evaluate("S", 2, hk(soc=20)) == []          # still low: no new edge
    assert engine.evaluate("S", 3, hk(soc=50)) == []
    assert engine.evaluate("S", 4, hk(soc=25)) == ["battery_soc<30"]
    assert engine.evaluate("S", 4, hk(soc=25)) == []          # duplicate
    assert engine.evaluate("S", 5, hk(soc=25, temp=51, thruster=True)) == ["obc_temp>50", "thruster_active"]
    assert engine.evaluate("S", 6, hk(temp=-31)) == ["obc_temp<-30"]


def _sample(sat: str, ss: str, seq: int, soc: float = 80.0) -> events_pb2.SubsystemSample:
    ts = Timestamp()
    ts.FromSeconds(1_700_000_000 + seq)
    return events_pb2.SubsystemSample(
        satellite_id=sat, sample_time=ts, sequence=seq,
        frame=telemetry_pb2.SubsystemFrame(subsystem=ss, features=[0.0] * 25),
        housekeeping=telemetry_pb2.Housekeeping(battery_soc_percent=soc), model_name=f"MODEL_{ss}")


def test_rule_job_waits_for_all_subsystems_and_scores_all_seven():
    scheduler = StreamScheduler({})
    now = Timestamp()
    names = list(SUBSYSTEM_NAMES)  # acs, the rule subsystem, first
    tasks = []
    for seq in range(40):
        soc = 20.0 if seq == 35 else 80.0
        for number, name in enumerate(names, start=1):
            tasks += scheduler.add(name, Sample.of(_sample("SAT-1", name, seq, soc)), 0, seq * 7 + number, now)
    rule = [t for t in tasks if t.source == job_pb2.JOB_SOURCE_RULE]
    stream = [t for t in tasks if t.source == job_pb2.JOB_SOURCE_STREAM]
    assert len(stream) == sum(len(window_starts(40, phase=stream_phase("SAT-1", name))) for name in names)
    assert len(rule) == 1 and rule[0].trigger_reason == "battery_soc<30"
    assert len(rule[0].windows) == 7
    assert all(len(w.sample_times) == 30 and w.start_sequence == 6 for w in rule[0].windows)
    # Each window goes to the model the router named for its stream, never one read off the telemetry.
    assert all(w.model_name == f"MODEL_{w.subsystem}" for t in tasks for w in t.windows)


@pytest.mark.parametrize("first", [["acs"], ["data", "eps", "fsw", "ps", "ss", "tcs"]], ids=["acs-ahead", "acs-behind"])
def test_a_rule_job_scores_all_seven_subsystems_when_one_topic_is_consumed_far_ahead(first):
    """A replay or an outage's backlog hands a scheduler one subsystem topic's records hundreds at a
    time: rows the rule job will need must still be held when the other topics catch up."""
    scheduler = StreamScheduler({})
    now = Timestamp()
    names = list(SUBSYSTEM_NAMES)  # acs, the rule subsystem, first
    order = first + [n for n in names if n not in first]
    tasks = []
    for name in order:
        number = names.index(name) + 1
        for seq in range(240):
            tasks += scheduler.add(name, Sample.of(_sample("SAT-1", name, seq, 20.0 if seq == 50 else 80.0)), 0, seq, now)
    rule = [t for t in tasks if t.source == job_pb2.JOB_SOURCE_RULE]
    assert len(rule) == 1 and len(rule[0].windows) == 7
    assert all(w.start_sequence == 21 and len(w.sample_times) == 30 for w in rule[0].windows)
    for seq in range(240, 600):
        for name in names:
            scheduler.add(name, Sample.of(_sample("SAT-1", name, seq)), 0, seq, now)
    # The usual history: three windows, or a window and the context its model reads (SMAP's: 260
    # rows), and at most a stride more (a buffer is trimmed once a stride).
    held = [(len(b.rows), b.spec.rows_kept, b.spec.stride) for b in scheduler.buffers.values()]
    assert all(kept <= rows <= kept + stride for rows, kept, stride in held), \
        f"once the rule job is out, buffers are trimmed to the usual history: {held}"


def test_a_rule_job_is_not_fooled_by_an_older_stream_still_held_in_a_topic_not_yet_read_that_far():
    """A replay of earlier times follows a later stream: the rule subsystem's trigger comes from the
    replay while another subsystem's buffer still holds the later stream, whose times are all past the
    trigger. That subsystem has not caught up until it holds the trigger's own record."""
    scheduler = StreamScheduler({})
    now = Timestamp()
    names = list(SUBSYSTEM_NAMES)  # acs, the rule subsystem, first

    def sample(number: int, seq: int, day: int, soc: float = 80.0) -> events_pb2.SubsystemSample:
        message = _sample("SAT-1", name, seq, soc)
        message.sample_time.seconds += day * 86400
        return message

    for seq in range(100):  # the later stream, in every topic
        for number, name in enumerate(names, start=1):
            scheduler.add(name, Sample.of(sample(number, seq, day=1)), 0, seq, now)
    tasks = []
    for name in ["acs", "data"] + names[2:]:  # the replay: acs and data read through first
        number = names.index(name) + 1
        for seq in range(120):
            tasks += scheduler.add(name, Sample.of(sample(number, seq, day=0, soc=20.0 if seq == 50 else 80.0)), 0, 100 + seq, now)
    rule = [t for t in tasks if t.source == job_pb2.JOB_SOURCE_RULE]
    assert len(rule) == 1 and len(rule[0].windows) == 7
    assert all(w.start_sequence == 21 and w.sample_times[-1].seconds == 1_700_000_050 for w in rule[0].windows)


def test_a_topic_far_ahead_of_the_rule_subsystem_holds_at_most_the_rule_lag():
    scheduler = StreamScheduler({})
    now = Timestamp()
    for seq in range(2000):
        scheduler.add("eps", Sample.of(_sample("SAT-1", "eps", seq)), 0, seq, now)  # acs has not arrived at all
    held = scheduler.buffers[("SAT-1", "eps")].rows
    assert held[-1].time_ns - held[0].time_ns <= RULE_LAG_NS
    assert len(held) < 2000


def test_safe_offsets_hold_back_to_the_oldest_needed_row():
    scheduler = StreamScheduler({"acs": WindowSpec(30, 10)})  # a model without context
    now = Timestamp()
    for seq in range(35):
        scheduler.add("acs", Sample.of(_sample("SAT-1", "acs", seq)), 0, 1000 + seq, now)
    assert scheduler.safe_offsets()[("acs", 0)] == 1000 + 5  # the newest 30 rows start at sequence 5


def test_safe_offsets_hold_back_to_the_oldest_row_of_the_next_windows_context():
    scheduler = StreamScheduler({})  # SMAP's models read 230 rows before each window
    now = Timestamp()
    for seq in range(400):
        scheduler.add("acs", Sample.of(_sample("SAT-1", "acs", seq)), 0, 1000 + seq, now)
    assert scheduler.safe_offsets()[("acs", 0)] == 1000 + 400 - 260


def test_a_sequence_going_back_starts_a_new_stream_even_if_time_moves_on():
    buffer = WindowBuffer(WindowSpec(30, 10))
    for s in range(50):
        buffer.add(row(s))
    closed = [s for s in range(30) if buffer.add(row(s, t=1000 + s))]
    assert closed == [29], "no window may mix the old stream's rows with the new one's"


def test_rule_trigger_in_a_stream_younger_than_a_window_leaves_short_subsystems_out():
    scheduler = StreamScheduler({})
    now = Timestamp()
    names = list(SUBSYSTEM_NAMES)  # acs, the rule subsystem, first
    tasks = []
    for seq in range(12):
        for number, name in enumerate(names, start=1):
            tasks += scheduler.add(name, Sample.of(_sample("SAT-2", name, seq, 20.0 if seq == 5 else 80.0)), 0, seq, now)
    assert [t for t in tasks if t.source == job_pb2.JOB_SOURCE_RULE] == []  # no subsystem had 30 rows yet
    assert scheduler.pending == []


def _walked_safe_offsets(scheduler: StreamScheduler) -> dict[tuple[str, int], int]:
    """The definition, by walking every held window: what the incremental heap must agree with."""
    safe = {tp: off + 1 for tp, off in scheduler.consumed.items()}
    for (sat, subsystem), buffer in scheduler.buffers.items():
        tp = (subsystem, scheduler.partitions[(sat, subsystem)])
        safe[tp] = min(safe[tp], buffer.oldest_offset())
    return safe


def test_incremental_safe_offsets_agree_with_walking_every_window():
    rng = np.random.default_rng(7)
    scheduler = StreamScheduler({})
    now = Timestamp()
    sequences = {f"SAT-{k}": 0 for k in range(12)}
    offsets = {0: 0, 1: 0}
    for step in range(3000):
        sat = f"SAT-{rng.integers(12)}"
        partition = int(sat[-1]) % 2
        if rng.random() < 0.01:
            sequences[sat] = 0  # the satellite restarted its stream
        scheduler.add("eps", Sample.of(_sample(sat, "eps", sequences[sat])), partition, offsets[partition], now)
        sequences[sat] += 1
        offsets[partition] += 1
        if step % 37 == 0:
            assert scheduler.safe_offsets() == _walked_safe_offsets(scheduler)
    assert scheduler.safe_offsets() == _walked_safe_offsets(scheduler)


def test_a_satellite_gone_quiet_stops_pinning_the_offset():
    scheduler = StreamScheduler({}, stale_after_samples=50)
    now = Timestamp()
    scheduler.add("eps", Sample.of(_sample("QUIET", "eps", 0)), 0, 0, now)
    for seq in range(50):  # the partition's samples come in batches: several share a message's offset
        scheduler.add("eps", Sample.of(_sample("BUSY", "eps", seq)), 0, 1 + seq // 10, now)
    assert scheduler.safe_offsets()[("eps", 0)] == 0  # 50 samples on: QUIET still counts
    scheduler.add("eps", Sample.of(_sample("BUSY", "eps", 50)), 0, 6, now)
    assert scheduler.safe_offsets()[("eps", 0)] == 1  # now it has gone quiet: BUSY's oldest row pins it
    assert ("QUIET", "eps") not in scheduler.buffers


def test_forgetting_a_moved_partition_drops_its_windows_and_rules_and_cuts_no_window_across_the_gap():
    scheduler = StreamScheduler({})
    now = Timestamp()
    names = list(SUBSYSTEM_NAMES)  # acs, the rule subsystem, first
    for seq in range(25):
        for number, name in enumerate(names, start=1):
            scheduler.add(name, Sample.of(_sample("MOVED", name, seq)), 3, seq, now)
            scheduler.add(name, Sample.of(_sample("KEPT", name, seq)), 4, seq, now)
    scheduler.forget((name, 3) for name in names)
    assert {sat for sat, _ in scheduler.buffers} == {"KEPT"}
    assert set(scheduler.plans["smap"].rules.state) == {"KEPT"} and set(scheduler.class_of) == {"KEPT"}
    assert all(tp[1] == 4 for tp in scheduler.safe_offsets())
    # The partition comes back later, from a committed offset further on: the first window is cut
    # only once 30 new rows are held, never from the rows held before it moved away.
    tasks = []
    for seq in range(100, 140):
        tasks += scheduler.add("eps", Sample.of(_sample("MOVED", "eps", seq)), 3, seq, now)
    stream = [t for t in tasks if t.source == job_pb2.JOB_SOURCE_STREAM]
    first_on_grid = next(s for s in range(100, 110) if (s - stream_phase("MOVED", "eps")) % 10 == 0)
    assert [t.windows[0].start_sequence for t in stream] == [first_on_grid]


def test_a_stream_window_carries_its_samples_features_packed_and_the_worker_reads_them_back():
    scheduler = StreamScheduler({"acs": WindowSpec(30, 10)})  # a model without context
    now = Timestamp()
    tasks = []
    for seq in range(40):
        sample = _sample("SAT-1", "acs", seq)
        sample.frame.features[:] = [seq + i / 100 for i in range(25)]
        tasks += scheduler.add("acs", Sample.of(sample), 0, seq, now)
    (window,) = tasks[0].windows
    first = stream_phase("SAT-1", "acs")
    assert window.start_sequence == first
    assert not window.values and len(window.packed_values) == 30 * 25 * 4 and window.feature_count == 25
    assert [t.seconds for t in window.sample_times] == [1_700_000_000 + s for s in range(first, first + 30)]
    expected = np.array([[s + i / 100 for i in range(25)] for s in range(first, first + 30)], dtype=np.float32)
    np.testing.assert_array_equal(window_array(window), expected)
    api_window = events_pb2_detection.Window(sample_times=window.sample_times, feature_count=25,
                                            values=expected.ravel().tolist())
    np.testing.assert_array_equal(window_array(api_window), expected)  # the APIs' form reads the same


def test_a_windows_sample_times_are_its_rows_times_in_order_to_the_nanosecond():
    times = [1_733_000_000 * 10**9 + 123_456_789 + i * 10**9 for i in range(29)] + [-1_500_000_001]
    rows = tuple(packed_row(s, t, packed_floats.pack([0.0] * 25), 0, s) for s, t in enumerate(times))
    window = build_window("SAT-1", "acs", "A-1", ClosedWindow(rows))
    assert [ts.ToNanoseconds() for ts in window.sample_times] == times
    again = build_window("SAT-2", "acs", "A-1", ClosedWindow(rows))  # the encoded times are shared, not moved
    assert list(again.sample_times) == list(window.sample_times)


@pytest.mark.parametrize("damage, message", [
    (lambda w: w.values.extend([0.0] * 750), "both values and packed_values"),
    (lambda w: setattr(w, "packed_values", w.packed_values[:-1]), "packed_values"),
    (lambda w: setattr(w, "packed_values", w.packed_values[:-4]), "749 values for 30 rows x 25 features"),
])
def test_a_damaged_packed_window_is_a_bad_window(damage, message):
    rows = tuple(row(s) for s in range(30))
    window = build_window("SAT-1", "acs", "A-1", ClosedWindow(rows))
    damage(window)
    with pytest.raises(BadWindow, match=message):
        window_array(window)


def test_tasks_are_sent_each_models_windows_together_in_arrival_order():
    models = ["SMAP_B-1", "SMAP_A-1", "SMAP_B-1", "SMAP_A-1", "SMAP_A-1"]
    tasks = [events_pb2_detection.InferenceTask(job_id=str(i), windows=[events_pb2_detection.Window(model_name=m)])
             for i, m in enumerate(models)]
    chunks = model_chunks(tasks, 2)
    assert [[t.job_id for t in chunk] for chunk in chunks] == [["1", "3"], ["4", "0"], ["2"]]


def test_a_row_cuts_its_context_columns_once():
    features = packed_floats.pack([0.0, 1.0, 2.0, 3.0])
    held = packed_row(7, 7 * 10**9, features, 0, 7, context_columns=(1, 3))
    assert held.context == packed_floats.pack([1.0, 3.0])
    assert packed_row(7, 7 * 10**9, features, 0, 7).context is features  # every column: no copy
