"""Which rows of a stored window an alert must cover to make it anomalous, and the lock order."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from satmon_writer.domain.window_truth import fresh_start_time, stream_lock_keys

T0 = datetime(2026, 12, 5, tzinfo=timezone.utc)


def test_a_streams_first_window_is_fresh_from_its_first_row():
    assert fresh_start_time(T0, T0 + timedelta(seconds=29), start_sequence=3) == T0


def test_a_later_window_is_fresh_from_its_newest_stride():
    start = T0 + timedelta(seconds=40)
    assert fresh_start_time(start, start + timedelta(seconds=29), start_sequence=40) == start + timedelta(seconds=20)


def test_lock_keys_are_sorted_and_each_pair_taken_once():
    keys = stream_lock_keys([("SAT-002", "eps"), ("SAT-001", "acs"), ("SAT-002", "eps")])
    assert keys == sorted(keys) and len(keys) == 2
    assert stream_lock_keys([("SAT-001", "acs")])[0] in keys
