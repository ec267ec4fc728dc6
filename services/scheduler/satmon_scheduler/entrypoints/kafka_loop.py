"""The scheduler's consume loop: batches of samples -> windows and rule jobs -> Celery, then safe offsets."""

from __future__ import annotations

import threading
import time

from confluent_kafka import Consumer, Message, TopicPartition
from google.protobuf.timestamp_pb2 import Timestamp
from opentelemetry import trace

from satmon_core import metrics
from satmon_core.config import Settings
from satmon_core.kafka import DeadLetter
from satmon_mdb import load_mission_database
from satmon_core.tracing import SpanBatch, carrier, context_from_carrier, tracer
from satmon_scheduler.adapters.task_queue import TaskQueue
from satmon_scheduler.domain.samples import Sample, samples_of
from satmon_scheduler.domain.scheduler import StreamScheduler

__all__ = ["SchedulerHandler"]


class SchedulerHandler:
    def __init__(self, settings: Settings, scheduler: StreamScheduler, queue: TaskQueue) -> None:
        self.scheduler = scheduler
        self.queue = queue
        self.topic_subsystem = {settings.subsystem_topic(n): n for n in load_mission_database().subsystem_names()}
        self.topics = {n: t for t, n in self.topic_subsystem.items()}
        self.tracer = tracer("satmon.scheduler")
        self.lock = threading.Lock()
        # Tasks cut from consumed rows but not yet confirmed by RabbitMQ. The windows' rows are already
        # in the scheduler's buffers, so a retried batch cuts nothing new: these are what it must send.
        self.unsent: list = []

    def __call__(self, messages: list[Message]) -> list[DeadLetter]:
        rejects: list[DeadLetter] = []
        tasks = []
        now = Timestamp()
        now.GetCurrentTime()
        with SpanBatch(self.tracer) as spans:  # a closing record's span lasts until its tasks are confirmed
            with self.lock:
                for msg in messages:
                    try:
                        samples = samples_of(msg.value() or b"")
                    except ValueError as exc:
                        rejects.append(DeadLetter(msg, "undecodable", str(exc)))
                        continue
                    subsystem, partition, offset = self.topic_subsystem[msg.topic()], msg.partition(), msg.offset()
                    for sample in samples:
                        started_ns = time.time_ns()
                        new = self.scheduler.add(subsystem, sample, partition, offset, now)
                        if new:
                            self._trace(spans, sample, subsystem, started_ns, new)
                            tasks.extend(new)
                metrics.OPEN_WINDOWS.set(self.scheduler.open_windows())
            # One send per consumed batch: grouping adds at most one poll interval of latency. A failed send
            # raises TransientError before offsets are stored; the loop retries the batch and the unsent
            # tasks go out then, each exactly once.
            self.unsent.extend(tasks)
            self.queue.send(self.unsent)
        return rejects

    def _trace(self, spans: SpanBatch, sample: Sample, subsystem: str, started_ns: int, tasks: list) -> None:
        """A span for a record that closed a window or released a rule job, in the record's trace,
        and its context in those tasks. Most records only join a window: a span for each of them was
        40 % of the consume thread at 1,000 satellites (py-spy), for spans that said nothing."""
        with spans.current("telemetry.schedule", context=context_from_carrier(dict(sample.message().trace_context)),
                           kind=trace.SpanKind.CONSUMER, start_time=started_ns,
                           attributes={"satmon.satellite_id": sample.satellite_id, "satmon.subsystem": subsystem,
                                       "satmon.sequence": sample.sequence, "satmon.tasks": len(tasks)}):
            headers = carrier()
        for task in tasks:
            task.trace_context.update(headers)

    def revoked(self, _consumer: Consumer, partitions: list[TopicPartition]) -> None:
        """Partitions moved to another scheduler: forget their windows (offsets up to the oldest row
        they need were stored after the last batch, and the loop commits them now)."""
        with self.lock:
            self.scheduler.forget((self.topic_subsystem[tp.topic], tp.partition) for tp in partitions)
            metrics.OPEN_WINDOWS.set(self.scheduler.open_windows())

    def store_offsets(self, consumer: Consumer, messages: list[Message]) -> None:
        with self.lock:
            safe = self.scheduler.safe_offsets()
        assigned = {(tp.topic, tp.partition) for tp in consumer.assignment()}
        offsets = [TopicPartition(self.topics[ss], p, off) for (ss, p), off in safe.items()
                   if (self.topics[ss], p) in assigned]
        if offsets:
            consumer.store_offsets(offsets=offsets)
