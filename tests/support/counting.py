"""Exact counts of what one replay left in VictoriaMetrics and PostgreSQL."""

from __future__ import annotations

import psycopg

from satmon_core.config import load_settings
from satmon_core.victoria import VictoriaMetrics
from satmon_simulator.domain.fleet import satellite_id


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


def alert_consistency() -> tuple[int, int]:
    """(windows recorded against alerts, anomalous subsystem rows): equal when nothing was applied twice."""
    with psycopg.connect(load_settings().pg_dsn) as conn:
        windows = conn.execute("SELECT count(*), coalesce((SELECT sum(window_count) FROM alerts), 0) "
                               "FROM alert_windows").fetchone()
        anomalous = conn.execute("SELECT count(*) FROM subsystem_inferences WHERE anomaly_detected").fetchone()[0]
    assert windows[0] == windows[1], f"alert window_count sum {windows[1]} != alert_windows rows {windows[0]}"
    return windows[0], anomalous
