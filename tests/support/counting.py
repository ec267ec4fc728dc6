"""Exact counts of what one replay left in VictoriaMetrics and PostgreSQL."""

from __future__ import annotations

from collections import Counter

import psycopg

from satmon_core.config import load_settings
from satmon_scheduler.domain.scheduler import SUBSYSTEM_NAMES
from satmon_core.victoria import VictoriaMetrics
from satmon_detection.windows import WINDOW_SIZE, stream_phase, window_starts
from satmon_simulator.domain.fleet import satellite_id
from tests.support.pipeline import wait_for


def _stream_window_starts(satellites: int, duration_s: int) -> list:
    """Window starts of each stream of a replay of satellites 1..N for duration_s records: every
    subsystem stream has its own window phase, so they depend on which satellites they are."""
    return [window_starts(duration_s, phase=stream_phase(satellite_id(k), subsystem))
            for k in range(1, satellites + 1) for subsystem in SUBSYSTEM_NAMES]


def expected_stream_windows(satellites: int, duration_s: int) -> int:
    return sum(len(starts) for starts in _stream_window_starts(satellites, duration_s))


def expected_detector_positions(satellites: int, duration_s: int) -> list[tuple[int, int]]:
    """Sorted (next_sequence, streams): each stream's detector has seen every record up to the end
    of its last window."""
    ends = Counter(int(starts[-1]) + WINDOW_SIZE for starts in _stream_window_starts(satellites, duration_s))
    return sorted(ends.items())


def detector_positions(base_ns: int) -> list[tuple[int, int]]:
    """Sorted (next_sequence, streams) of the detectors of the streams that started at base_ns, to
    compare with expected_detector_positions: equal once the writer's results loop has decided every
    window of the replay (alerts raised or grown included), which the jobs loop's rows do not say."""
    with psycopg.connect(load_settings().pg_dsn) as conn:
        return [tuple(row) for row in conn.execute(
            "SELECT next_sequence, count(*) FROM detector_states WHERE stream_start = to_timestamp(%s) "
            "GROUP BY 1 ORDER BY 1", (base_ns / 1e9,)).fetchall()]


def wait_until_decided(satellites: int, duration_s: int, base_ns: int, timeout_s: float) -> None:
    """Waits until every window of the replay of satellites 1..N for duration_s records from base_ns
    is decided (detector_positions equals expected_detector_positions), and fails with both otherwise.
    A test that reads alerts or notification events after a replay waits here: the jobs loop's rows
    and the first alerts come earlier than the last decisions."""
    expected = expected_detector_positions(satellites, duration_s)
    assert wait_for(lambda: detector_positions(base_ns) == expected, timeout_s), (detector_positions(base_ns), expected)


def expected_scored_records(satellites: int, duration_s: int) -> int:
    """Records that get exactly one prediction and one score: in each stream, every record from its
    first window's start to its last window's end (windows overlap; each scores its newest stride)."""
    return sum(int(starts[-1]) + WINDOW_SIZE - int(starts[0]) for starts in _stream_window_starts(satellites, duration_s))


def vm_feature_samples(satellites: int, base_ns: int, duration_s: int, metric: str = "smap_feature") -> int:
    vm = VictoriaMetrics(load_settings().vm_url)
    sats = "|".join(satellite_id(k) for k in range(1, satellites + 1))
    end_s = base_ns / 1e9 + duration_s - 0.5
    result = vm.query(f'sum(count_over_time({metric}{{satellite_id=~"{sats}"}}[{duration_s}s]))', time_s=end_s)
    return int(float(result[0]["value"][1])) if result else 0


def stream_rows(base_ns: int, duration_s: int) -> tuple[int, int]:
    """(stream jobs, subsystem rows) whose windows start inside the replay."""
    with psycopg.connect(load_settings().pg_dsn) as conn:
        return conn.execute(
            "SELECT count(DISTINCT j.job_id), count(si.id) FROM inference_jobs j JOIN subsystem_inferences si "
            "USING (job_id) WHERE j.source = 'stream' AND si.window_start_time >= to_timestamp(%s) "
            "AND si.window_start_time < to_timestamp(%s)", (base_ns / 1e9 - 0.001, base_ns / 1e9 + duration_s)
        ).fetchone()


def overlapping_alerts() -> int:
    """Pairs of alerts of one satellite, subsystem, kind and parameter whose spans overlap: an alert
    raised twice (a redelivered batch applied again) would overlap its twin. (Limit alerts of two
    parameters of one subsystem, or a limit alert and a model alert, may overlap rightly.)"""
    with psycopg.connect(load_settings().pg_dsn) as conn:
        return conn.execute(
            "SELECT count(*) FROM alerts a JOIN alerts b ON a.satellite_id = b.satellite_id "
            "AND a.subsystem = b.subsystem AND a.kind = b.kind AND a.parameter IS NOT DISTINCT FROM b.parameter "
            "AND a.alert_id < b.alert_id "
            "AND a.start_time <= b.end_time AND b.start_time <= a.end_time").fetchone()[0]
