"""The telemetry path end to end, counted, against the real stack."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid

import psycopg
import pytest
from confluent_kafka import Consumer, TopicPartition
from google.protobuf.message import DecodeError

from satmon.telemetry.v1.events_pb2 import SubsystemSampleBatch, TelemetryRecord
from satmon_core.config import load_settings
from satmon_core.kafka import consumer_config, key_partition
from satmon_core.topics import PARTITIONS
from satmon_simulator.domain.fleet import satellite_id
from satmon_simulator.domain.housekeeping import HousekeepingModel, Override
from satmon_simulator.replay import ReplayPlan
from tests.support.counting import expected_scored_records, expected_stream_windows, stream_rows, vm_feature_samples
from tests.support.pipeline import run_replay, wait_for

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
    base_ns = (int(time.time()) - 2 * 86400) * 1_000_000_000  # its own stretch of time, apart from other tests
    plan = ReplayPlan(SATELLITES, 1.0, DURATION, 60.0, 1, overrides=TRIGGERS, base_time_ns=base_ns)
    return {"produced": run_replay(plan), "base_ns": base_ns}


def test_every_record_reaches_victoriametrics(replayed):
    assert replayed["produced"] == SATELLITES * DURATION
    expected = replayed["produced"] * 7 * 25
    count = lambda metric="smap_feature": vm_feature_samples(SATELLITES, replayed["base_ns"], DURATION, metric)  # noqa: E731
    assert wait_for(lambda: count() >= expected, 90), f"{count()} of {expected} feature samples"
    time.sleep(2)
    assert count() == expected
    assert count("satellite_battery_soc_percent") == SATELLITES * DURATION


def test_every_full_window_produces_exactly_one_result(replayed):
    expected = expected_stream_windows(SATELLITES, DURATION)
    rows = lambda: stream_rows(replayed["base_ns"], DURATION)  # noqa: E731
    assert wait_for(lambda: rows()[0] >= expected, 120), f"{rows()} of {expected} stream jobs"
    time.sleep(3)  # anything extra (a duplicate) would show up now
    assert rows() == (expected, expected)
    # Jobs are created when the scheduler dispatches them and completed when scored: the hourly
    # throughput query of the user manual, AVG(completed_at - created_at), must not read 0.
    with psycopg.connect(load_settings().pg_dsn) as conn:
        later, average = conn.execute(
            "SELECT count(*) FILTER (WHERE created_at > completed_at), "
            "extract(epoch FROM avg(completed_at - created_at)) FROM inference_jobs "
            "WHERE source = 'stream' AND job_id IN (SELECT job_id FROM subsystem_inferences "
            "WHERE window_start_time >= to_timestamp(%s))", (replayed["base_ns"] / 1e9,)).fetchone()
    assert later == 0 and average > 0.0, (later, average)


def test_every_scored_record_gets_one_prediction_and_one_score_and_every_window_its_summary(replayed):
    base_s = replayed["base_ns"] / 1e9
    count = lambda metric: vm_feature_samples(SATELLITES, replayed["base_ns"], DURATION, metric)  # noqa: E731
    records = expected_scored_records(SATELLITES, DURATION)

    def expected() -> dict[str, int]:
        # Summaries: one per scored window end of a stream (stream windows, and rule jobs' windows
        # that end elsewhere), as the jobs recorded so far say.
        with psycopg.connect(load_settings().pg_dsn) as conn:
            windows = conn.execute(
                "SELECT count(DISTINCT (j.satellite_id, si.subsystem, si.window_end_time)) FROM inference_jobs j "
                "JOIN subsystem_inferences si USING (job_id) WHERE si.window_start_time >= to_timestamp(%s) "
                "AND si.window_start_time < to_timestamp(%s)", (base_s - 0.001, base_s + DURATION)).fetchone()[0]
        return {"smap_prediction": records, "inference_anomaly_score": records,  # SMAP: one telemetry parameter
                "inference_anomaly_score_mean": windows, "inference_anomaly_score_max": windows,
                "inference_time_ms": windows}

    counted = lambda: {metric: count(metric) for metric in expected()}  # noqa: E731
    assert wait_for(lambda: counted() == expected(), 120), (counted(), expected())
    assert expected()["inference_time_ms"] > expected_stream_windows(SATELLITES, DURATION)  # the rule jobs' too


def test_a_satellites_samples_go_to_the_partition_its_key_picks(replayed):
    """The router sends a subsystem's samples of many satellites in one message and picks the
    partition itself: each satellite's samples must land where librdkafka's partitioner puts a
    message keyed by its id (its raw records), so its streams keep their order and their scheduler."""
    settings = load_settings()
    topics = [settings.raw_topic, settings.subsystem_topic("acs")]
    consumer = Consumer(consumer_config(settings.kafka_bootstrap, f"test-partitions-{uuid.uuid4().hex[:8]}",
                                        **{"enable.auto.commit": False}))
    since_ms = int((time.time() - 900) * 1000)  # this module's replay ran within the last minutes
    wanted = [TopicPartition(topic, p, since_ms) for topic in topics
              for p in consumer.list_topics(topic, timeout=10).topics[topic].partitions]
    consumer.assign(consumer.offsets_for_times(wanted, timeout=10))
    stretch = range(replayed["base_ns"], replayed["base_ns"] + DURATION * 10**9)
    raw_partition, sample_partitions, samples, idle_since = {}, {}, 0, time.monotonic()
    while time.monotonic() - idle_since < 5:
        msg = consumer.poll(0.5)
        if msg is None or msg.error():
            continue
        idle_since = time.monotonic()
        if msg.topic() == settings.raw_topic:
            try:
                record = TelemetryRecord.FromString(msg.value())
            except DecodeError:  # another module's invalid records (the dead-letter tests), minutes ago
                continue
            if record.sample_time.ToNanoseconds() in stretch:
                raw_partition[record.satellite_id] = msg.partition()
            continue
        for sample in SubsystemSampleBatch.FromString(msg.value()).samples:
            if sample.sample_time.ToNanoseconds() in stretch:
                sample_partitions.setdefault(sample.satellite_id, set()).add(msg.partition())
                samples += 1
    consumer.close()
    assert samples == SATELLITES * DURATION, samples
    assert set(raw_partition) == set(sample_partitions) == {satellite_id(k) for k in range(1, SATELLITES + 1)}
    for sat, partition in raw_partition.items():
        assert sample_partitions[sat] == {partition} == {key_partition(sat.encode(), PARTITIONS)}, sat


def _rule_jobs(base_ns: int) -> list[tuple]:
    """(job, satellite, reason, subsystems scored, last window end) of the rule jobs in the replay's stretch,
    once the four expected ones are in and a moment has passed for any extra one to show."""
    base = base_ns / 1e9
    query = ("SELECT j.job_id, j.satellite_id, j.trigger_reason, count(si.id), max(si.window_end_time) "
             "FROM inference_jobs j JOIN subsystem_inferences si USING (job_id) WHERE j.source = 'rule' "
             "AND si.window_end_time >= to_timestamp(%s) AND si.window_end_time < to_timestamp(%s) "
             "GROUP BY j.job_id")
    with psycopg.connect(load_settings().pg_dsn) as conn:
        fetch = lambda: conn.execute(query, (base, base + DURATION)).fetchall()  # noqa: E731
        assert wait_for(lambda: len(fetch()) >= len(TRIGGERS), 120), fetch()
        time.sleep(2)
        return fetch()


def _assert_rule_jobs_match_the_conditions(base_ns: int) -> None:
    rows = _rule_jobs(base_ns)
    fired = {(sat, reason, round(end.timestamp() - base_ns / 1e9)) for _, sat, reason, _, end in rows}
    expected = expected_rule_edges()
    assert len(expected) == len(TRIGGERS)
    assert fired == expected, rows
    assert all(r[3] == 7 for r in rows), f"each rule job scores all seven subsystems: {rows}"


def test_rule_triggers_fire_exactly_when_conditions_hold(replayed):
    _assert_rule_jobs_match_the_conditions(replayed["base_ns"])


def test_rule_jobs_score_all_seven_subsystems_when_the_scheduler_reads_a_backlog(stack):
    """With the scheduler away the router fills the seven subsystem topics; back, the scheduler is handed
    each topic's backlog hundreds of records at a time, so one subsystem runs minutes of stream time
    ahead of another. Its rows must still be there when the trigger's own subsystem catches up."""
    satmon = [sys.executable, "-m", "satmon_cli.main"]
    base_ns = (int(time.time()) - 3 * 86400) * 1_000_000_000
    down = subprocess.run([*satmon, "down", "scheduler"], capture_output=True, text=True, timeout=300)
    assert down.returncode == 0, down.stderr
    try:
        plan = ReplayPlan(SATELLITES, 1.0, DURATION, 60.0, 1, overrides=TRIGGERS, base_time_ns=base_ns)
        assert run_replay(plan) == SATELLITES * DURATION
        # The writer reads the same subsystem topics: once it has every sample, the backlog is complete.
        count = lambda: vm_feature_samples(SATELLITES, base_ns, DURATION)  # noqa: E731
        assert wait_for(lambda: count() >= SATELLITES * DURATION * 7 * 25, 90), count()
    finally:
        up = subprocess.run([*satmon, "up", "scheduler"], capture_output=True, text=True, timeout=300)
        assert up.returncode == 0, up.stderr
    _assert_rule_jobs_match_the_conditions(base_ns)
