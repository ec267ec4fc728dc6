"""The router's and the scheduler's consume handlers alone: Python CPU per record, with no servers.

    python -m benchmarks.bench_handlers [--satellites 500] [--seconds 150]

Replays SMAP records for N satellites x S seconds (the simulator's records, as `satmon replay`
produces them) into the router's handler, and the samples it routes into the scheduler's handler,
in batches the size their consume loops take. Kafka, PostgreSQL and RabbitMQ are fakes that keep
what they are handed, so the figures are the handlers' own work: decoding, validation, splitting,
windowing, window building. `bench_pipeline` measures the same processes with librdkafka, the
Celery publish and the other threads beside them; this isolates what a change to the handlers
does, without the pipeline's run-to-run spread. Needs SATMON_DATA_DIR (the SMAP data); connection
settings are not used. Best of three runs of each.
"""

from __future__ import annotations

import argparse
import gc
import time
from types import SimpleNamespace

from benchmarks.machine_reference import reference_mops
from satmon_core.config import Settings, load_settings
from satmon_core.fleet_registry import SatelliteEntry
from satmon_core.topics import PARTITIONS
from satmon_mdb import DEFAULT_CLASS
from satmon_router.entrypoints.kafka_loop import RouterCounters, RouterHandler
from satmon_scheduler.domain.scheduler import StreamScheduler
from satmon_scheduler.entrypoints.kafka_loop import SchedulerHandler
from satmon_simulator.replay import ReplayPlan, fleet_models, replay

ROUTER_BATCH = 500       # the router's BatchLoop batch
SCHEDULER_BATCH = 1000   # the scheduler's (BATCH_MESSAGES)


class FakeMessage:
    """What a consume loop reads of a confluent_kafka.Message."""

    def __init__(self, topic: str, key: bytes | None, value: bytes, headers, offset: int, partition: int = 0) -> None:
        self._topic, self._key, self._value, self._headers = topic, key, value, headers
        self._offset, self._partition = offset, partition

    def topic(self) -> str:
        return self._topic

    def key(self) -> bytes | None:
        return self._key

    def value(self) -> bytes:
        return self._value

    def headers(self):
        return self._headers

    def partition(self) -> int:
        return self._partition

    def offset(self) -> int:
        return self._offset

    def error(self) -> None:
        return None


class KeepingProducer:
    """A producer whose every message is delivered at once, and kept as a FakeMessage."""

    def __init__(self) -> None:
        self.kept: list[FakeMessage] = []

    def produce(self, topic, value=None, key=None, headers=None, partition=-1, on_delivery=None) -> None:
        self.kept.append(FakeMessage(topic, key, value, headers, len(self.kept), max(partition, 0)))
        if on_delivery is not None:
            on_delivery(None, None)

    def poll(self, _timeout: float = 0) -> int:
        return 0

    def list_topics(self, topic: str, timeout: float = 0) -> SimpleNamespace:
        """Metadata as the broker answers it: every topic with the stack's partition count."""
        partitions = {p: SimpleNamespace(id=p) for p in range(PARTITIONS)}
        return SimpleNamespace(topics={topic: SimpleNamespace(partitions=partitions, error=None)})

    def flush(self, _timeout: float = 0) -> int:
        return 0

    def __len__(self) -> int:
        return 0


class StaticRegistry:
    def __init__(self, satellites: int) -> None:
        self.entries = {sat: SatelliteEntry(sat, DEFAULT_CLASS, models) for sat, models in fleet_models(satellites).items()}

    def entry(self, satellite_id: str) -> SatelliteEntry | None:
        return self.entries.get(satellite_id)


class DiscardingQueue:
    def __init__(self) -> None:
        self.sent = 0

    def send(self, pending: list) -> None:
        self.sent += len(pending)
        pending.clear()


def _settings() -> Settings:
    """The stack's settings where they are set; placeholders otherwise (nothing is connected to)."""
    try:
        return load_settings()
    except Exception:  # noqa: BLE001 - only topic names are read
        import os

        for name, value in (("SATMON_KAFKA_BOOTSTRAP", "unused:9092"), ("SATMON_AMQP_URL", "amqp://unused"),
                            ("SATMON_PG_DSN", "postgresql://unused"), ("SATMON_VM_URL", "http://unused"),
                            ("SATMON_TRITON_URL", "unused:8001")):
            os.environ.setdefault(name, value)
        return load_settings()


def best_cpu_seconds(run) -> float:
    """Best CPU seconds of three runs, each after a full collection (the runs' garbage is not theirs)."""
    best = float("inf")
    for _ in range(3):
        gc.collect()
        began = time.process_time()
        run()
        best = min(best, time.process_time() - began)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--satellites", type=int, default=500)
    parser.add_argument("--seconds", type=int, default=150, help="records per satellite (the SMAP models' windows "
                                                                 "need 260 for their whole context)")
    args = parser.parse_args()
    settings = _settings()
    raw = KeepingProducer()
    replay(ReplayPlan(args.satellites, 1.0, args.seconds, 1e9, 1, base_time_ns=1_700_000_000 * 10**9), raw,
           settings.raw_topic)
    records = raw.kept
    routed, counters = KeepingProducer(), RouterCounters()

    def route() -> None:
        routed.kept.clear()
        handler = RouterHandler(settings, routed, StaticRegistry(args.satellites), RouterCounters())
        for i in range(0, len(records), ROUTER_BATCH):
            handler(records[i:i + ROUTER_BATCH])
        counters.samples_published = handler.counters.samples_published

    router_s = best_cpu_seconds(route)
    messages, queue = list(routed.kept), DiscardingQueue()

    def schedule() -> None:
        queue.sent = 0
        handler = SchedulerHandler(settings, StreamScheduler({}), queue)
        for i in range(0, len(messages), SCHEDULER_BATCH):
            handler(messages[i:i + SCHEDULER_BATCH])

    scheduler_s = best_cpu_seconds(schedule)
    samples = counters.samples_published
    print(f"command: python -m benchmarks.bench_handlers --satellites {args.satellites} --seconds {args.seconds}")
    print(f"machine reference (python -m benchmarks.machine_reference): {reference_mops():.3f} M op/s")
    print(f"{len(records)} records routed as {samples} samples in {len(messages)} messages; {queue.sent} tasks")
    print(f"router handler:    {router_s / len(records) * 1e6:6.1f} us CPU per record")
    print(f"scheduler handler: {scheduler_s / len(records) * 1e6:6.1f} us CPU per record "
          f"({scheduler_s / samples * 1e6:.1f} per sample)")

if __name__ == "__main__":
    main()
