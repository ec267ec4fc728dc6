"""The streaming scheduler: samples in, inference tasks and safe offsets out."""

from __future__ import annotations

from dataclasses import dataclass, field

from google.protobuf.timestamp_pb2 import Timestamp

from satmon.detection.v1 import events_pb2, job_pb2
from satmon.telemetry.v1 import events_pb2 as telemetry_events
from satmon_core.topics import SUBSYSTEM_BY_NAME, SUBSYSTEMS
from satmon_scheduler.domain.jobs import rule_job_id, stream_job_id
from satmon_scheduler.domain.rules import RuleEngine
from satmon_scheduler.domain.windows import ClosedWindow, Row, WindowBuffer, WindowSpec

__all__ = ["StreamScheduler", "PendingTrigger", "build_window", "RULE_SUBSYSTEM"]

# Every sample carries the same housekeeping; rules are evaluated on one subsystem's copy.
RULE_SUBSYSTEM = "acs"
STALE_AFTER_MESSAGES = 200_000
TRIGGER_WAIT_NS = 60 * 1_000_000_000


@dataclass
class PendingTrigger:
    satellite_id: str
    rule: str
    sequence: int
    time_ns: int
    create_time: Timestamp


def build_window(satellite_id: str, subsystem: str, channel: str, rows: tuple[Row, ...]) -> events_pb2.Window:
    window = events_pb2.Window(satellite_id=satellite_id, subsystem=SUBSYSTEM_BY_NAME[subsystem],
                               model_name=f"SMAP_{channel}", start_sequence=rows[0].sequence,
                               feature_count=len(rows[0].features))
    for row in rows:
        ts = window.sample_times.add()
        ts.FromNanoseconds(row.time_ns)
        window.values.extend(row.features)
    return window


@dataclass
class StreamScheduler:
    specs: dict[str, WindowSpec]
    buffers: dict[tuple[str, str], WindowBuffer] = field(default_factory=dict)
    channels: dict[tuple[str, str], str] = field(default_factory=dict)
    partitions: dict[tuple[str, str], int] = field(default_factory=dict)
    rules: RuleEngine = field(default_factory=RuleEngine)
    pending: list[PendingTrigger] = field(default_factory=list)
    consumed: dict[tuple[str, int], int] = field(default_factory=dict)

    def add(self, subsystem: str, sample: telemetry_events.SubsystemSample, partition: int, offset: int,
            now: Timestamp) -> list[events_pb2.InferenceTask]:
        key = (sample.satellite_id, subsystem)
        buffer = self.buffers.get(key)
        if buffer is None:
            buffer = self.buffers[key] = WindowBuffer(self.specs.get(subsystem, WindowSpec()))
        self.channels[key] = sample.frame.channel
        self.partitions[key] = partition
        self.consumed[(subsystem, partition)] = offset
        time_ns = sample.sample_time.ToNanoseconds()
        row = Row(sample.sequence, time_ns, tuple(sample.frame.features), partition, offset)
        tasks = []
        closed = buffer.add(row)
        if closed is not None:
            tasks.append(self._stream_task(sample.satellite_id, subsystem, closed, now))
        if subsystem == RULE_SUBSYSTEM:
            for rule in self.rules.evaluate(sample.satellite_id, time_ns, sample.housekeeping):
                self.pending.append(PendingTrigger(sample.satellite_id, rule, sample.sequence, time_ns, now))
        tasks.extend(self._ready_rule_tasks())
        return tasks

    def _stream_task(self, sat: str, subsystem: str, window: ClosedWindow, now: Timestamp) -> events_pb2.InferenceTask:
        return events_pb2.InferenceTask(
            job_id=stream_job_id(sat, subsystem, window.start_time_ns), source=job_pb2.JOB_SOURCE_STREAM,
            windows=[build_window(sat, subsystem, self.channels[(sat, subsystem)], window.rows)], create_time=now)

    def _ready_rule_tasks(self) -> list[events_pb2.InferenceTask]:
        """Rule jobs whose seven subsystems have all reached the triggering record's time.

        Each subsystem contributes the 30 rows ending at the trigger; one that does not hold 30 rows
        by then (its stream just began) is left out rather than sent with a short window. A trigger
        that waits more than TRIGGER_WAIT of stream time is dropped (a subsystem went quiet).
        """
        ready, waiting = [], []
        for trigger in self.pending:
            buffers = {ss: self.buffers.get((trigger.satellite_id, ss)) for ss in SUBSYSTEMS.values()}
            newest = [b.rows[-1].time_ns for b in buffers.values() if b is not None and b.rows]
            caught_up = len(newest) == len(buffers) and min(newest) >= trigger.time_ns
            if not caught_up:
                if not newest or max(newest) - trigger.time_ns <= TRIGGER_WAIT_NS:
                    waiting.append(trigger)
                continue
            windows = [build_window(trigger.satellite_id, ss, self.channels[(trigger.satellite_id, ss)], rows)
                       for ss, b in buffers.items() if (rows := b.window_ending_at(trigger.time_ns))]
            if windows:
                ready.append(events_pb2.InferenceTask(
                    job_id=rule_job_id(trigger.satellite_id, trigger.rule, trigger.time_ns),
                    source=job_pb2.JOB_SOURCE_RULE, trigger_reason=trigger.rule, windows=windows,
                    create_time=trigger.create_time))
        self.pending = waiting
        return ready

    def safe_offsets(self) -> dict[tuple[str, int], int]:
        """Per (subsystem, partition): the next offset to commit so a restart rebuilds every held window."""
        safe: dict[tuple[str, int], int] = {tp: off + 1 for tp, off in self.consumed.items()}
        for (sat, subsystem), buffer in list(self.buffers.items()):
            oldest = buffer.oldest_offset()
            if oldest is None:
                continue
            tp = (subsystem, self.partitions[(sat, subsystem)])
            if buffer.rows[-1].offset < self.consumed[tp] - STALE_AFTER_MESSAGES:
                del self.buffers[(sat, subsystem)]  # a satellite gone quiet must not pin the offset
                continue
            safe[tp] = min(safe.get(tp, oldest), oldest)
        return safe

    def open_windows(self) -> int:
        return len(self.buffers)
