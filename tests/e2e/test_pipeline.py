"""The telemetry path end to end, counted, against the real stack."""

from __future__ import annotations

import time

import psycopg
import pytest

from satmon_core.config import load_settings
from satmon_core.victoria import VictoriaMetrics
from satmon_detection.windows import window_starts
from satmon_simulator.domain.fleet import satellite_id
from satmon_simulator.domain.housekeeping import HousekeepingModel, Override
from satmon_simulator.replay import ReplayPlan
from tests.support.pipeline import run_replay, scalar, wait_for

pytestmark = pytest.mark.stack

SATELLITES = 5
DURATION = 240
TRIGGERS = {"SAT-001": (Override("low_battery", 50),), "SAT-002": (Override("hot_obc", 100),),
            "SAT-003": (Override("cold_obc", 150),), "SAT-004": (Override("thruster", 200),)}
RULE_CONDITIONS = {
    "battery_soc<30": lambda hk: hk.battery_soc_percent < 30,
    "obc_temp<-30": lambda hk: hk.obc_temperature_c < -30,
    "obc_temp>50": lambda hk: hk.obc_temperature_c > 50,
    "thruster_active": lambda hk: hk.thruster_active,
}


def expected_rule_edges() -> set[tuple[str, str, int]]:
    """(satellite, rule, second) of every rising edge of every rule, from the housekeeping model alone."""
    ids = set()
    for k in range(1, SATELLITES + 1):
        sat = satellite_id(k)
        model = HousekeepingModel(k, TRIGGERS.get(sat, ()))
        previous = None
        for step in range(DURATION):
            hk = model.step(step)
            current = {name: cond(hk) for name, cond in RULE_CONDITIONS.items()}
            if previous is not None:
                for name, active in current.items():
                    if active and not previous[name]:
                        ids.add((sat, name, step))
            previous = current
    return ids


@pytest.fixture(scope="module")
def replayed(stack):
    settings = load_settings()
    with psycopg.connect(settings.pg_dsn) as conn:
        before = conn.execute("SELECT coalesce(max(created_at), now()) FROM inference_jobs").fetchone()[0]
    started = time.time()
    plan = ReplayPlan(SATELLITES, 1.0, DURATION, 60.0, 1, overrides=TRIGGERS)
    produced = run_replay(plan)
    return {"produced": produced, "since": before, "end_s": time.time(), "start_s": started - DURATION - 5}


def stream_jobs(since) -> int:
    return scalar("SELECT count(*) FROM inference_jobs WHERE source = 'stream' AND created_at > %s", (since,))


def test_every_record_reaches_victoriametrics(replayed):
    vm = VictoriaMetrics(load_settings().vm_url)
    sats = "|".join(satellite_id(k) for k in range(1, SATELLITES + 1))
    expected = replayed["produced"] * 7 * 25

    def counted() -> int:
        window = int(time.time() - replayed["start_s"]) + 5
        result = vm.query(f'sum(count_over_time(smap_feature{{satellite_id=~"{sats}"}}[{window}s]))')
        return int(float(result[0]["value"][1])) if result else 0

    assert replayed["produced"] == SATELLITES * DURATION
    assert wait_for(lambda: counted() >= expected, 90), f"{counted()} of {expected} feature samples"
    time.sleep(2)
    assert counted() == expected
    hk = vm.query(f'sum(count_over_time(satellite_battery_soc_percent{{satellite_id=~"{sats}"}}[{int(time.time() - replayed["start_s"]) + 5}s]))')
    assert int(float(hk[0]["value"][1])) == SATELLITES * DURATION


def test_every_full_window_produces_exactly_one_result(replayed):
    expected = SATELLITES * 7 * len(window_starts(DURATION))
    assert wait_for(lambda: stream_jobs(replayed["since"]) >= expected, 120), \
        f"{stream_jobs(replayed['since'])} of {expected} stream jobs"
    time.sleep(3)  # anything extra (a duplicate) would show up now
    assert stream_jobs(replayed["since"]) == expected
    rows = scalar("SELECT count(*) FROM subsystem_inferences si JOIN inference_jobs j USING (job_id) "
                  "WHERE j.source = 'stream' AND j.created_at > %s AND si.status = 'completed'", (replayed["since"],))
    assert rows == expected


def test_rule_triggers_fire_exactly_when_conditions_hold(replayed):
    settings = load_settings()
    with psycopg.connect(settings.pg_dsn) as conn:
        wait_for(lambda: scalar("SELECT count(*) FROM inference_jobs WHERE source = 'rule' AND created_at > %s "
                                "AND status = 'completed'", (replayed["since"],)) >= len(TRIGGERS), 60)
        rows = conn.execute("SELECT job_id, satellite_id, trigger_reason, "
                            "(SELECT count(*) FROM subsystem_inferences si WHERE si.job_id = j.job_id) "
                            "FROM inference_jobs j WHERE source = 'rule' AND created_at > %s",
                            (replayed["since"],)).fetchall()
    # The trigger's second, counted from the replay's first record (the earliest stream window start).
    with psycopg.connect(settings.pg_dsn) as conn:
        first = conn.execute("SELECT min(window_start_time) FROM subsystem_inferences si JOIN inference_jobs j "
                             "USING (job_id) WHERE j.created_at > %s AND j.source = 'stream'",
                             (replayed["since"],)).fetchone()[0]
        ends = dict(conn.execute("SELECT job_id, max(window_end_time) FROM subsystem_inferences "
                                 "WHERE job_id = ANY(%s) GROUP BY job_id", ([r[0] for r in rows],)).fetchall())
    fired = {(r[1], r[2], round((ends[r[0]] - first).total_seconds())) for r in rows}
    expected = expected_rule_edges()
    assert len(expected) == len(TRIGGERS)
    assert fired == expected, rows
    assert all(r[3] == 7 for r in rows), "each rule job scores all seven subsystems"
