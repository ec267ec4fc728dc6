"""Sustained throughput and record-to-result latency of the whole local stack.

    .venv/bin/satmon up
    .venv/bin/python -m benchmarks.bench_pipeline --satellites 50 100 200 --seconds 60

For each N, N satellites replay at 1 Hz in real time, all starting in the same second (their
counters aligned: each stream's windows still close at its own phase, see satmon_detection.windows),
or with --stagger S satellite k starting k mod S seconds after the first, as a fleet whose
satellites did not boot together. Runs of 100 s measure the steady state: a 40 s run holds only the
first one or two windows of each stream. A consumer on the results topic takes, for
every scored stream window, the time from its newest record's sample time (the record that closed
the window, produced at that moment) to the result's arrival: record-to-result latency. N keeps up
when every expected window arrives and p99 latency stays under 2 s.

The latency splits at the two times each result carries: the scheduler's dispatch of its task and
the worker's production of the result.
    scheduling = dispatch - record   (raw topic, router, subsystem topic, scheduler's window)
    inference  = result - dispatch   (RabbitMQ, Celery, the worker's batch, Triton)
    delivery   = arrival - result    (results topic to a consumer, as the writer reads it)
For ACS windows, scheduling splits further at the Kafka timestamp of the router's ACS sample of the
window's newest record (the benchmark also reads the ACS topic):
    routing    = router's sample - record    (raw topic, router)
    windowing  = dispatch - router's sample  (ACS topic, scheduler's window and Celery publish)
CPU seconds per component (every process of its session, from /proc) cover the run.

With --warmup S, each N first replays S seconds unmeasured: a stack that has run for a while has its
series in VictoriaMetrics' index, Kafka's broker compiled by the JVM's JIT (in a cold 100 s run, C2
compilation was half of the broker's CPU) and every process's caches filled. A cold run measures
those one-time costs beside the per-record ones.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
import uuid

import numpy as np
import psycopg
from confluent_kafka import Consumer

from benchmarks.machine_reference import reference_mops
from benchmarks.stack_processes import component_sessions, session_cpu_s
from satmon.detection.v1 import events_pb2, job_pb2
from satmon.telemetry.v1 import events_pb2 as telemetry_events
from satmon.telemetry.v1 import telemetry_pb2
from satmon_cli.stack.layout import read_scale, service_env
from satmon_core.config import load_settings
from satmon_core.fleet_registry import register_satellites
from satmon_core.kafka import consumer_config, make_producer
from satmon_scheduler.domain.scheduler import SUBSYSTEM_NAMES
from satmon_detection.windows import stream_phase, window_starts
from satmon_simulator.replay import ReplayPlan, fleet_models, replay, satellites


def run(n: int, seconds: int, settings, stagger: int = 0) -> dict:
    with psycopg.connect(settings.pg_dsn) as conn:
        register_satellites(conn, fleet_models(n))
    consumer = Consumer(consumer_config(settings.kafka_bootstrap, f"bench-{uuid.uuid4().hex[:8]}",
                                        **{"auto.offset.reset": "latest", "enable.auto.commit": False}))
    acs_topic = settings.subsystem_topic("acs")
    consumer.subscribe([settings.results_topic, acs_topic])
    while not consumer.assignment():  # join before producing so nothing is missed
        consumer.poll(0.2)
    # Start the replay's clock now: sample time == production time (speedup 1).
    base_ns = time.time_ns()
    plan = ReplayPlan(n, 1.0, seconds, 1.0, 1, base_time_ns=base_ns, stagger=stagger)
    produced = [0]
    started = time.monotonic()
    producer_thread = threading.Thread(target=lambda: produced.__setitem__(0, replay(
        plan, make_producer(settings.kafka_bootstrap), settings.raw_topic)))
    producer_thread.start()
    sessions = component_sessions()
    cpu_before = {name: sum(map(session_cpu_s, leaders)) for name, leaders in sessions.items()}
    latencies, stages, results = [], [], 0
    routed: dict[tuple[str, int], int] = {}  # (satellite, sequence) -> ns the router produced its ACS sample
    acs_windows: list[tuple[str, int, int, int]] = []  # (satellite, newest sequence, record ns, dispatch ns)
    expected = sum(len(window_starts(seconds - plan.first_step(k), phase=stream_phase(sat, subsystem)))
                   for k, sat in enumerate(satellites(n)) for subsystem in SUBSYSTEM_NAMES)
    deadline = None
    while True:
        first = consumer.poll(0.2)
        for msg in ([first, *consumer.consume(500, 0)] if first is not None else []):
            if msg.error():
                continue
            if msg.topic() == acs_topic:
                for sample in telemetry_events.SubsystemSampleBatch.FromString(msg.value()).samples:
                    routed[(sample.satellite_id, sample.sequence)] = msg.timestamp()[1] * 1_000_000
                continue
            result = events_pb2.InferenceResult.FromString(msg.value())
            if result.source != job_pb2.JOB_SOURCE_STREAM or result.sample_times[0].ToNanoseconds() < base_ns:
                continue
            results += 1
            arrival, record = time.time_ns(), result.sample_times[-1].ToNanoseconds()
            latencies.append((arrival - record) / 1e9)
            dispatch, produced_at = result.dispatch_time.ToNanoseconds(), result.create_time.ToNanoseconds()
            stages.append(((dispatch - record) / 1e9, (produced_at - dispatch) / 1e9, (arrival - produced_at) / 1e9))
            if result.subsystem == "acs":
                newest = result.start_sequence + len(result.sample_times) - 1
                acs_windows.append((result.satellite_id, newest, record, dispatch))
        if not producer_thread.is_alive() and deadline is None:
            deadline = time.monotonic() + 20  # drain
        if results >= expected or (deadline and time.monotonic() > deadline):
            break
    wall = time.monotonic() - started
    cpu = {name: sum(map(session_cpu_s, leaders)) - cpu_before[name] for name, leaders in sessions.items()}
    consumer.close()
    producer_thread.join()
    lat = np.array(latencies) if latencies else np.array([np.nan])
    split = np.array(stages) if stages else np.full((1, 3), np.nan)
    # Matched after the run: a result can be polled before the ACS sample that closed its window.
    fine = np.array([((routed[(sat, seq)] - record) / 1e9, (dispatch - routed[(sat, seq)]) / 1e9)
                     for sat, seq, record, dispatch in acs_windows if (sat, seq) in routed]).reshape(-1, 2)
    fine = fine if len(fine) else np.full((1, 2), np.nan)
    return {"satellites": n, "records": produced[0], "records_per_s": produced[0] / seconds,
            "values_per_s": produced[0] * 7 * 25 / seconds, "windows": results, "expected_windows": expected,
            "windows_per_s": results / seconds, "p50_s": float(np.percentile(lat, 50)),
            "p99_s": float(np.percentile(lat, 99)), "wall_s": wall,
            "keeps_up": results >= expected and float(np.percentile(lat, 99)) < 2.0,
            "stages": {name: (float(np.percentile(split[:, i], 50)), float(np.percentile(split[:, i], 99)))
                       for i, name in enumerate(("scheduling", "inference", "delivery"))},
            "acs_stages": {name: (float(np.percentile(fine[:, i], 50)), float(np.percentile(fine[:, i], 99)))
                           for i, name in enumerate(("routing", "windowing"))},
            "cpu_s": cpu}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--satellites", type=int, nargs="+", default=[50, 100, 200])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=0, metavar="S",
                        help="before each measured run, replay the same satellites for S seconds unmeasured "
                             "(steady state: series indexed, JIT compiled, caches filled; default 0: a cold stack)")
    parser.add_argument("--stagger", type=int, default=0,
                        help="satellite k starts k mod S seconds after the first (default 0: every satellite's "
                             "counter starts in the same second)")
    args = parser.parse_args()
    settings = load_settings(service_env())
    # The machine's speed before and after, measured by the same process: the figure that lets runs
    # of other days be compared (a loaded or throttled machine shows as a lower or drifting value).
    reference_before = reference_mops()
    rows = []
    for n in args.satellites:
        if args.warmup:
            warm = run(n, args.warmup, settings, args.stagger)
            print(f"warm-up of {n} satellites: {args.warmup} s, {warm['windows']}/{warm['expected_windows']} windows",
                  flush=True)
        rows.append(run(n, args.seconds, settings, args.stagger))
    reference_after = reference_mops()
    print(f"command: python -m benchmarks.bench_pipeline {' '.join(sys.argv[1:])}")
    print(f"machine reference (python -m benchmarks.machine_reference): {reference_before:.3f} M op/s before, "
          f"{reference_after:.3f} after")
    scale = ",".join(f"{service}={count}" for service, count in read_scale().items())
    print(f"processes per service (satmon up --scale): {scale}")
    print(f"{'N':>5} {'records/s':>10} {'values/s':>10} {'windows/s':>10} {'windows':>13} {'p50 s':>7} {'p99 s':>7} keeps up")
    for r in rows:
        print(f"{r['satellites']:>5} {r['records_per_s']:>10.0f} {r['values_per_s']:>10.0f} {r['windows_per_s']:>10.1f} "
              f"{r['windows']:>6}/{r['expected_windows']:<6} {r['p50_s']:>7.2f} {r['p99_s']:>7.2f} {r['keeps_up']}")
    print("\nper stage, p50 / p99 seconds (scheduling = record to dispatch, inference = dispatch to result, "
          "delivery = result to consumer)")
    for r in rows:
        print(f"{r['satellites']:>5} " + "  ".join(f"{name} {p50:.3f} / {p99:.3f}"
                                                   for name, (p50, p99) in r["stages"].items()))
    print("\nscheduling of ACS windows, split at the router's ACS sample, p50 / p99 seconds (routing = record "
          "to the router's sample, windowing = that sample to dispatch)")
    for r in rows:
        print(f"{r['satellites']:>5} " + "  ".join(f"{name} {p50:.3f} / {p99:.3f}"
                                                   for name, (p50, p99) in r["acs_stages"].items()))
    print(f"\nCPU seconds per component over each run (the machine has {os.cpu_count()} cores)")
    names = sorted(rows[0]["cpu_s"], key=lambda k: -rows[0]["cpu_s"][k])
    print(f"{'N':>5} " + " ".join(f"{name:>9.9}" for name in names) + f" {'total':>9}")
    for r in rows:
        print(f"{r['satellites']:>5} " + " ".join(f"{r['cpu_s'].get(name, 0):>9.1f}" for name in names)
              + f" {sum(r['cpu_s'].values()):>9.1f}")
    print("\nCPU milliseconds per record (every component's CPU over the run / records produced), the figure "
          "that travels between machines better than latency")
    print(f"{'N':>5} " + " ".join(f"{name:>9.9}" for name in names) + f" {'total':>9}")
    for r in rows:
        per = 1000.0 / max(1, r["records"])
        print(f"{r['satellites']:>5} " + " ".join(f"{r['cpu_s'].get(name, 0) * per:>9.3f}" for name in names)
              + f" {sum(r['cpu_s'].values()) * per:>9.3f}")


if __name__ == "__main__":
    main()
