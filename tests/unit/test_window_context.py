"""Windows with context: the rows before a window that a long-context model reads, as the scheduler
sends them and the worker fits them live, and as `with_context` cuts them offline (the two must
agree for eval to equal live)."""

from __future__ import annotations

import numpy as np
import pytest

from satmon_core import packed_floats
from satmon_detection.windows import fit_rows, window_starts, with_context
from satmon_scheduler.domain.scheduler import build_window
from satmon_scheduler.domain.windows import WindowBuffer, WindowSpec, packed_row
from satmon_worker.domain.scoring import window_array
from satmon_worker.errors import BadWindow

FEATURES = 3


def _values(length: int) -> np.ndarray:
    """Row r holds r, r + 0.25, r + 0.5: every row tells where it came from."""
    return (np.arange(length)[:, None] + np.array([0.0, 0.25, 0.5])[None, :]).astype(np.float32)


def _live(values: np.ndarray, spec: WindowSpec, phase: int) -> list[np.ndarray]:
    """What the worker reads for each window the scheduler closes over `values`."""
    buffer, read = WindowBuffer(spec, phase), []
    for sequence, value in enumerate(values):
        closed = buffer.add(packed_row(sequence, (sequence + 1) * 10**9, packed_floats.pack(value.tolist()), 0, sequence,
                                       spec.context_columns))
        buffer.trim(None, 0)
        if closed is not None:
            read.append(window_array(build_window("SAT-1", "acs", "M", closed, context_columns=spec.context_columns)))
    return list(fit_rows(read, spec.size + spec.context)) if read else []


@pytest.mark.parametrize("context, phase", [(0, 0), (5, 3), (230, 0), (230, 7)])
def test_the_scheduler_sends_the_context_offline_cutting_uses(context, phase):
    values = _values(400)
    live = _live(values, WindowSpec(30, 10, context), phase)
    offline = with_context(values, window_starts(len(values), 30, 10, phase), 30, context)
    assert len(live) == len(offline) > 30
    for got, expected in zip(live, offline):
        np.testing.assert_array_equal(got, expected)


def test_a_streams_first_windows_repeat_its_oldest_row_in_front():
    values = _values(60)
    first = with_context(values, np.array([0, 10]), 30, 20)
    np.testing.assert_array_equal(fit_rows([values[:30], values[:40]], 50), first)
    np.testing.assert_array_equal(first[0][:20], np.repeat(values[:1], 20, axis=0))
    np.testing.assert_array_equal(first[0][20:], values[:30])
    np.testing.assert_array_equal(first[1][:10], np.repeat(values[:1], 10, axis=0))
    np.testing.assert_array_equal(first[1][10:], values[:40])


def test_a_buffer_keeps_a_window_and_its_context_and_a_restart_reads_them_again():
    spec = WindowSpec(30, 10, 230)
    buffer = WindowBuffer(spec)
    for sequence in range(1000):
        buffer.add(packed_row(sequence, (sequence + 1) * 10**9, packed_floats.pack([0.0] * FEATURES), 0, 5000 + sequence))
        buffer.trim(None, 0)
    assert len(buffer.rows) == 260
    # The next window needs its 30 rows' oldest 20 (held) and the 230 before them.
    assert buffer.oldest_offset() == 5000 + 1000 - 260


def test_without_context_a_buffer_keeps_three_windows_as_before():
    buffer = WindowBuffer(WindowSpec(30, 10))
    for sequence in range(200):
        buffer.add(packed_row(sequence, (sequence + 1) * 10**9, packed_floats.pack([0.0] * FEATURES), 0, sequence))
        buffer.trim(None, 0)
    assert len(buffer.rows) == 90
    assert buffer.oldest_offset() == 170


def test_an_api_window_gives_its_context_as_values():
    values = _values(40)
    window = build_window("SAT-1", "acs", "M", _closed(values))
    api = type(window)(sample_times=window.sample_times, feature_count=FEATURES,
                       values=values[10:].ravel().tolist(), context_values=values[:10].ravel().tolist())
    np.testing.assert_array_equal(window_array(api), window_array(window))
    np.testing.assert_array_equal(window_array(api), values)


@pytest.mark.parametrize("damage, message", [
    (lambda w: w.context_values.extend([0.0]), "both context_values and packed_context"),
    (lambda w: setattr(w, "packed_context", w.packed_context[:-1]), "packed_context"),
    (lambda w: setattr(w, "packed_context", w.packed_context[:-4]), "not whole rows of 3 columns"),
    (lambda w: setattr(w, "packed_context", w.packed_context[:-4] + packed_floats.pack([float("nan")])),
     "NaN or infinite"),
])
def test_a_damaged_context_is_a_bad_window(damage, message):
    window = build_window("SAT-1", "acs", "M", _closed(_values(40)))
    damage(window)
    with pytest.raises(BadWindow, match=message):
        window_array(window)


def _closed(values: np.ndarray):
    """The window over the last 30 rows of `values`, the rows before it as its context."""
    buffer = WindowBuffer(WindowSpec(30, 10, len(values) - 30))
    closed = None
    for sequence, value in enumerate(values):
        closed = buffer.add(packed_row(sequence, (sequence + 1) * 10**9, packed_floats.pack(value.tolist()), 0, sequence))
    assert closed is not None and closed.rows[-1].sequence == len(values) - 1
    return closed


def test_the_worker_gives_a_model_the_newest_rows_it_reads_whatever_it_was_sent():
    values = _values(300)
    np.testing.assert_array_equal(fit_rows([values], 260)[0], values[-260:])   # more context than it reads
    np.testing.assert_array_equal(fit_rows([values[-30:]], 30)[0], values[-30:])  # a model without context


def test_the_context_carries_only_the_columns_named_and_the_worker_puts_them_back_in_place():
    values = _values(400)
    spec = WindowSpec(30, 10, 230, context_columns=(0, 2))
    live = _live(values, spec, phase=4)
    offline = with_context(values, window_starts(len(values), 30, 10, 4), 30, 230)
    for got, expected in zip(live, offline):
        np.testing.assert_array_equal(got[:, [0, 2]], expected[:, [0, 2]])  # the carried columns, context and all
        np.testing.assert_array_equal(got[230:], expected[230:])            # the window whole
        assert not got[:230, 1].any()                                       # the rest of the context: 0


def test_smaps_windows_carry_the_telemetry_value_of_their_context_rows():
    from google.protobuf.timestamp_pb2 import Timestamp
    from satmon.telemetry.v1 import events_pb2, telemetry_pb2
    from satmon_scheduler.domain.samples import Sample
    from satmon_scheduler.domain.scheduler import StreamScheduler

    scheduler, tasks = StreamScheduler({}), []
    for sequence in range(300):
        sample = events_pb2.SubsystemSample(satellite_id="SAT-1", sequence=sequence, model_name="SMAP_A-1",
                                            frame=telemetry_pb2.SubsystemFrame(subsystem="acs",
                                                                               features=[float(sequence)] * 25))
        sample.sample_time.FromSeconds(1_700_000_000 + sequence)
        tasks += scheduler.add("acs", Sample.of(sample), 0, sequence, Timestamp())
    window = tasks[-1].windows[0]
    assert list(window.context_columns) == [0]
    assert len(window.packed_context) == 230 * 4  # one float a row instead of 25
    read = window_array(window)
    assert read.shape == (260, 25) and read[:230, 0].tolist() == list(range(window.start_sequence - 230, window.start_sequence))


@pytest.mark.parametrize("columns, message", [([3], "not distinct columns"), ([0, 0], "not distinct columns")])
def test_context_columns_outside_the_row_are_a_bad_window(columns, message):
    window = build_window("SAT-1", "acs", "M", _closed(_values(40)), context_columns=(0,))
    window.context_columns[:] = columns
    with pytest.raises(BadWindow, match=message):
        window_array(window)
