"""Helpers for end-to-end tests: replay, wait for counts, query the stores."""

from __future__ import annotations

import time
from collections.abc import Callable

import psycopg

from satmon_core.config import load_settings
from satmon_core.fleet_registry import register_satellites
from satmon_core.kafka import group_members, make_producer
from satmon_simulator.replay import ReplayPlan, fleet_models, replay


def register_fleet(satellites: int) -> None:
    """Registers SAT-001..SAT-N (the simulator's fleet) in the fleet registry: the router dead-letters
    a record of an unregistered satellite as unknown_satellite."""
    with psycopg.connect(load_settings().pg_dsn) as conn:
        register_satellites(conn, fleet_models(satellites))


def run_replay(plan: ReplayPlan) -> int:
    settings = load_settings()
    register_fleet(plan.satellites)
    return replay(plan, make_producer(settings.kafka_bootstrap), settings.raw_topic,
                  ground_truth_topic=settings.ground_truth_topic)


def wait_for(check: Callable[[], bool], timeout: float, interval: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(interval)
    return check()


def rows(sql: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(load_settings().pg_dsn) as conn:
        return conn.execute(sql, params).fetchall()


def scalar(sql: str, params: tuple = ()) -> int:
    with psycopg.connect(load_settings().pg_dsn) as conn:
        return conn.execute(sql, params).fetchone()[0]


def active_group_members(group: str) -> int:
    """Members of a Kafka consumer group that hold at least one partition."""
    return group_members(load_settings().kafka_bootstrap, group, timeout=10)
