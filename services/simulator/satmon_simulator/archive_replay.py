"""Replaying any class's archive (the documented CSV format) into the raw topic, as its satellites
would send it: one record per row, re-timed to end near now (faster than real time) or to start now.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Sequence

from confluent_kafka import Producer

from satmon.telemetry.v1 import events_pb2
from satmon_archive import SatelliteArchive
from satmon_core.tracing import kafka_headers
from satmon_mdb import SubsystemView

__all__ = ["replay_archive", "archive_record"]


def archive_record(archive: SatelliteArchive, subsystems: Sequence[SubsystemView], row: int, sample_time_ns: int
                   ) -> events_pb2.TelemetryRecord:
    record = events_pb2.TelemetryRecord(satellite_id=archive.satellite_id, sequence=row, record_index=row)
    record.sample_time.FromNanoseconds(sample_time_ns)
    for view in subsystems:
        record.frames.add(subsystem=view.name, features=archive.values[view.name][row].tolist())
    return record


def replay_archive(archives: list[SatelliteArchive], subsystems: Sequence[SubsystemView], producer: Producer,
                   topic: str, speedup: float = 1.0, base_time_ns: int | None = None,
                   progress: Callable[[int], None] = lambda n: None, stop: threading.Event | None = None) -> int:
    """Every row of every satellite, 1 Hz of stream time; returns how many records Kafka acknowledged
    (every one, or it raises)."""
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
    steps = max(len(a) for a in archives)
    base_ns = base_time_ns or time.time_ns() - (steps * 1_000_000_000 if speedup > 1 else 0)
    refused: list = []
    produced = 0
    wall_start = time.monotonic()
    headers = kafka_headers()
    for step in range(steps):
        if stop.is_set():
            break
        delay = wall_start + step / speedup - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        for archive in archives:
            if step >= len(archive):
                continue
            record = archive_record(archive, subsystems, step, base_ns + step * 1_000_000_000)
            while True:
                try:
                    producer.produce(topic, key=archive.satellite_id.encode(), value=record.SerializeToString(),
                                     headers=headers, on_delivery=lambda err, _m: err and refused.append(err))
                    break
                except BufferError:
                    producer.poll(0.05)
            produced += 1
        producer.poll(0)
        progress(len(archives))
    while len(producer) > 0 and not stop.is_set():
        producer.flush(1)
    if refused:
        raise RuntimeError(f"{len(refused)} of {produced} records were not accepted by Kafka: {refused[0]}")
    return produced
