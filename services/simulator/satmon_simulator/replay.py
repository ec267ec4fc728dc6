"""The replay loop: N satellites, paced at rate x speedup, into the raw topic."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from confluent_kafka import Producer

from satmon_core.tracing import kafka_headers, tracer
from satmon.telemetry.v1 import events_pb2
from satmon_detection.smap import load_labels
from satmon_detection.model_repository import model_name
from satmon_simulator.domain.fleet import FleetData, assign_channels, satellite_id
from satmon_simulator.domain.ground_truth import labelled_records
from satmon_simulator.domain.housekeeping import HousekeepingModel, Override
from satmon_simulator.records import build_record

__all__ = ["ReplayPlan", "replay"]


@dataclass(frozen=True)
class ReplayPlan:
    satellites: int
    rate_hz: float
    duration_s: float
    speedup: float
    loops: int
    start_row: int = 0
    overrides: dict[str, tuple[Override, ...]] = field(default_factory=dict)
    base_time_ns: int | None = None  # sample time of the first record; default: see replay()
    # Satellite k (from 0) starts its stream k % stagger periods after the first, as a real fleet's
    # satellites did not all start counting in the same second; 0 starts them together, so every
    # satellite's windows close in the same second (the worst case for the pipeline).
    stagger: int = 0

    def first_step(self, index: int) -> int:
        return index % self.stagger if self.stagger else 0

    def steps(self, shortest: int) -> int:
        by_duration = int(self.duration_s * self.rate_hz)
        by_loops = max(self.loops, 1) * shortest - self.start_row
        return max(0, min(by_duration, by_loops))


def replay(plan: ReplayPlan, producer: Producer, topic: str, progress: Callable[[int], None] = lambda n: None,
           stop: threading.Event | None = None, ground_truth_topic: str | None = None) -> int:
    """Produces plan.steps records per satellite; returns the number the broker acknowledged (every one,
    or it raises). Stops cleanly on SIGINT/SIGTERM. A broker that is away for a while (up to the
    producer's message.timeout.ms, 5 minutes) delays the end of the replay instead of losing records.

    With ground_truth_topic, first publishes each stream's labelled sequences there (for scoring
    the live alerts; they travel apart from the telemetry and never reach the detector)."""
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
    assignment = assign_channels(plan.satellites)
    fleet = FleetData(assignment)
    sats = list(assignment)
    models = {sat: HousekeepingModel(i + 1, plan.overrides.get(sat, ())) for i, sat in enumerate(sats)}
    shortest = fleet.shortest()
    steps = plan.steps(shortest)
    period_ns = int(1e9 / plan.rate_hz)
    # Faster-than-real-time replays are placed in the past so they end near "now".
    base_ns = plan.base_time_ns or time.time_ns() - (steps * period_ns if plan.speedup > 1 else 0)
    if ground_truth_topic:
        _publish_ground_truth(producer, ground_truth_topic, fleet, plan, steps, base_ns, period_ns)
    wall_start = time.monotonic()
    produced = 0
    refused: list = []

    def on_delivery(err, _msg) -> None:
        if err is not None:
            refused.append(err)
    span_tracer = tracer("satmon.simulator")
    for step in range(steps):
        if stop.is_set():
            break
        due = wall_start + step / (plan.rate_hz * plan.speedup)
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        for index, sat in enumerate(sats):
            sequence = step - plan.first_step(index)
            if sequence < 0:
                continue
            row = plan.start_row + sequence
            hk = models[sat].step(sequence / plan.rate_hz)
            record = build_record(sat, base_ns + step * period_ns, sequence, row, row // shortest,
                                  fleet.rows(sat, row), hk)
            with span_tracer.start_as_current_span("telemetry.produce", attributes={
                    "satmon.satellite_id": sat, "satmon.sequence": sequence}):
                headers = kafka_headers({"satmon-produced-ns": str(time.time_ns())})
                while True:
                    try:
                        producer.produce(topic, key=sat.encode(), value=record.SerializeToString(), headers=headers,
                                         on_delivery=on_delivery)
                        break
                    except BufferError:
                        producer.poll(0.05)
            produced += 1
        producer.poll(0)
        progress(len(sats))
    while len(producer) > 0 and not stop.is_set():  # each record ends acknowledged or refused in message.timeout.ms
        producer.flush(1)
    if refused:
        raise RuntimeError(f"{len(refused)} of {produced} records were not accepted by Kafka: {refused[0]}")
    return produced


def _publish_ground_truth(producer: Producer, topic: str, fleet: FleetData, plan: ReplayPlan, steps: int,
                          base_ns: int, period_ns: int) -> None:
    labels = load_labels()
    for index, (sat, mapping) in enumerate(fleet.assignment.items()):
        first_step = plan.first_step(index)
        records = max(0, steps - first_step)
        for subsystem, channel in mapping.items():
            truth = events_pb2.GroundTruth(satellite_id=sat, subsystem=subsystem, channel=channel,
                                           records=records)
            truth.stream_start_time.FromNanoseconds(base_ns + first_step * period_ns)
            for first, last in labelled_records(labels[channel].sequences, len(fleet.arrays[channel]), plan.start_row,
                                                records):
                truth.sequences.add(start_sequence=first, end_sequence=last)
            producer.produce(topic, key=sat.encode(), value=truth.SerializeToString())
    producer.flush(30)


def satellites(count: int) -> list[str]:
    return [satellite_id(k) for k in range(1, count + 1)]


def fleet_models(count: int) -> dict[str, dict[str, str]]:
    """Each replayed satellite's registry entry: the model of the SMAP channel each subsystem replays."""
    return {sat: {subsystem: model_name(channel) for subsystem, channel in channels.items()}
            for sat, channels in assign_channels(count).items()}
