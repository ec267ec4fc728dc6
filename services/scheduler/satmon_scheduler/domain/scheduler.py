"""The streaming scheduler: samples in, inference tasks and safe offsets out."""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter

from google.protobuf.timestamp_pb2 import Timestamp

from satmon.detection.v1 import events_pb2, job_pb2
from satmon_core import packed_floats
from satmon_mdb import DEFAULT_CLASS, load_mission_database
from satmon_detection.windows import stream_phase
from satmon_scheduler.domain.jobs import rule_job_id, stream_job_id
from satmon_scheduler.domain.rules import RuleEngine, conditions
from satmon_scheduler.domain.samples import Sample
from satmon_scheduler.domain.windows import ClosedWindow, Row, WindowBuffer, WindowSpec, packed_row

__all__ = ["StreamScheduler", "PendingTrigger", "ClassPlan", "class_plans", "build_window", "RULE_SUBSYSTEM",
           "SUBSYSTEM_NAMES", "STALE_AFTER_SAMPLES"]

# The default class's subsystems, in the mission database's order.
SUBSYSTEM_NAMES = tuple(view.name for view in load_mission_database().subsystems(DEFAULT_CLASS))
RULE_SUBSYSTEM = SUBSYSTEM_NAMES[0]
# A satellite whose last sample in a partition is this many of the partition's samples old has gone
# quiet: its held rows no longer pin the partition's committed offset (a count of samples, not of
# messages: a message carries a batch of them, as many as the router's consumed batch routed there).
STALE_AFTER_SAMPLES = 200_000
NS = 1_000_000_000
# How far (in stream time) one subsystem topic may be consumed ahead of another and still have
# its rows joined to a rule job: a replay or an outage's backlog hands the scheduler one topic's
# records hundreds at a time. It bounds the extra rows a buffer holds; a trigger whose own
# subsystem moves this far past it before every subsystem has its record is dropped (one went quiet).
RULE_LAG_NS = 300 * NS


@dataclass
class ClassPlan:
    """What the scheduler does for one spacecraft class: its subsystems (a rule job scores them all;
    every sample carries the same housekeeping, so rules are evaluated on the first subsystem's
    copy), each subsystem's window, and the class's rules."""

    subsystems: tuple[str, ...]
    windows: dict[str, WindowSpec]
    rules: RuleEngine

    @property
    def rule_subsystem(self) -> str:
        return self.subsystems[0]


def class_plans() -> dict[str, ClassPlan]:
    """A plan per class of the mission database."""
    database = load_mission_database()
    plans = {}
    for name, spacecraft_class in database.classes.items():
        views = database.subsystems(name)
        plans[name] = ClassPlan(tuple(v.name for v in views),
                                {v.name: WindowSpec(v.window.size, v.window.stride, v.window.context, v.telemetry_indices)
                                 for v in views},
                                RuleEngine(conditions(spacecraft_class.rules)))
    return plans


@dataclass
class PendingTrigger:
    satellite_id: str
    rule: str
    sequence: int
    time_ns: int
    create_time: Timestamp


@lru_cache(maxsize=8192)
def _encoded_sample_time(time_ns: int) -> bytes:
    """One row's `Window.sample_times` entry, serialized. A fleet's records share their seconds, so
    each time is encoded once for every stream, and a window's 30 times are merged from bytes: building
    30 Timestamp messages per window was 11 % of the scheduler's CPU at 1,000 satellites (py-spy)."""
    return events_pb2.Window(sample_times=[Timestamp(seconds=time_ns // NS, nanos=time_ns % NS)]).SerializeToString()


def build_window(satellite_id: str, subsystem: str, model_name: str, window: ClosedWindow,
                 spacecraft_class: str = DEFAULT_CLASS, context_columns: tuple[int, ...] = ()) -> events_pb2.Window:
    """The window as a Window with packed values: at 1,000 satellites a fleet's windows close in the
    same second, and joining the rows' packed features costs under a microsecond where copying
    750 floats into a repeated field cost 15. The context rows held before the window (the
    subsystem's window.context; fewer at a stream's start) travel in packed_context, only their
    `context_columns` (all when empty), as each row's `context` was cut with them (packed_row)."""
    rows = window.rows
    message = events_pb2.Window(
        satellite_id=satellite_id, subsystem=subsystem, spacecraft_class=spacecraft_class,
        model_name=model_name, start_sequence=rows[0].sequence,
        feature_count=len(rows[0].features) // packed_floats.ITEM_SIZE,
        packed_values=b"".join(map(_FEATURES, rows)), context_columns=context_columns)
    # Serialized repeated fields merge by appending (the protobuf encoding's rule), in row order.
    message.MergeFromString(b"".join(map(_encoded_sample_time, map(_TIME_NS, rows))))
    if window.context:
        message.packed_context = b"".join(map(_CONTEXT, window.context))
    return message


# A Row's fields as C-level getters: a window joins 30 rows' features and 230 rows' context, and a
# generator's frame per row was 15 % of the scheduler's consume thread (cProfile, 1,000 satellites).
_FEATURES, _TIME_NS, _CONTEXT = (itemgetter(Row._fields.index(name)) for name in ("features", "time_ns", "context"))


@dataclass
class StreamScheduler:
    specs: dict[str, WindowSpec]  # overrides of the mission database's windows, by subsystem name
    plans: dict[str, ClassPlan] = field(default_factory=class_plans)
    class_of: dict[str, str] = field(default_factory=dict)  # satellite -> its class, as the router said
    buffers: dict[tuple[str, str], WindowBuffer] = field(default_factory=dict)
    # The model the router named for each stream (from the fleet registry and mission database).
    models: dict[tuple[str, str], str] = field(default_factory=dict)
    partitions: dict[tuple[str, str], int] = field(default_factory=dict)
    pending: list[PendingTrigger] = field(default_factory=list)
    consumed: dict[tuple[str, int], int] = field(default_factory=dict)
    # Samples added per (subsystem, partition), and that count at each stream's newest sample.
    counted: dict[tuple[str, int], int] = field(default_factory=dict)
    last_counted: dict[tuple[str, str], int] = field(default_factory=dict)
    stale_after_samples: int = STALE_AFTER_SAMPLES
    # The offset each held window's oldest needed row sits at, and per (subsystem, partition) a heap
    # of those offsets: its top is where a restart must read from. Entries that a buffer has moved
    # past stay in the heap until they surface, so each row costs one push instead of a walk over
    # every buffer after every batch (that walk was a third of the scheduler's time at 400 satellites).
    needs: dict[tuple[str, str], int] = field(default_factory=dict)
    needs_heap: dict[tuple[str, int], list[tuple[int, str]]] = field(default_factory=dict)

    def add(self, subsystem: str, sample: Sample, partition: int, offset: int,
            now: Timestamp) -> list[events_pb2.InferenceTask]:
        satellite_id = sample.satellite_id
        key = (satellite_id, subsystem)
        buffer = self.buffers.get(key)
        plan = self._plan(satellite_id, sample.spacecraft_class)
        if buffer is None:
            spec = self.specs.get(subsystem) or plan.windows.get(subsystem, WindowSpec())
            buffer = self.buffers[key] = WindowBuffer(spec, stream_phase(satellite_id, subsystem, spec.stride))
        self.models[key] = sample.model_name
        self.partitions[key] = partition
        self.consumed[(subsystem, partition)] = offset
        self.last_counted[key] = self.counted[(subsystem, partition)] = self.counted.get((subsystem, partition), 0) + 1
        time_ns = sample.time_ns
        row = packed_row(sample.sequence, time_ns, sample.features, partition, offset, buffer.spec.context_columns)
        tasks = []
        closed = buffer.add(row)
        if buffer.trim_due():
            buffer.trim(self._rule_rows_needed_from(satellite_id, buffer), RULE_LAG_NS)
        oldest = buffer.oldest_offset()
        if oldest is not None and self.needs.get(key) != oldest:
            self.needs[key] = oldest
            heapq.heappush(self.needs_heap.setdefault((subsystem, partition), []), (oldest, satellite_id))
        if closed is not None:
            tasks.append(self._stream_task(satellite_id, subsystem, closed, now))
        if subsystem == plan.rule_subsystem and plan.rules.rules:
            for rule in plan.rules.evaluate(satellite_id, time_ns, sample.message().housekeeping):
                self.pending.append(PendingTrigger(satellite_id, rule, sample.sequence, time_ns, now))
        if self.pending:
            tasks.extend(self._ready_rule_tasks(satellite_id))
        return tasks

    def _plan(self, satellite_id: str, spacecraft_class: str) -> ClassPlan:
        """The plan of the sample's class (a sample without one is of the default class)."""
        spacecraft_class = spacecraft_class or DEFAULT_CLASS
        if self.class_of.get(satellite_id) != spacecraft_class:
            self.class_of[satellite_id] = spacecraft_class
        return self.plans[spacecraft_class]

    def _plan_of(self, satellite_id: str) -> ClassPlan:
        return self.plans[self.class_of.get(satellite_id, DEFAULT_CLASS)]

    def _rule_rows_needed_from(self, satellite_id: str, buffer: WindowBuffer) -> int | None:
        """The index of the oldest row in `buffer` a rule job of this satellite may still need, or None
        when that cannot be told yet (keep rows, up to RULE_LAG).

        A rule job takes the window ending at its trigger's record in every subsystem; triggers come
        from the rule subsystem, at its oldest pending trigger or after its newest row. Rows are
        matched by sequence and time, never by comparing times: a replayed or restarted stream in one
        topic may sit beside the old stream, with later times, in a topic not yet read that far."""
        rule_buffer = self.buffers.get((satellite_id, self._plan_of(satellite_id).rule_subsystem))
        if rule_buffer is None or not rule_buffer.rows:
            return None
        anchor = rule_buffer.rows[-1]
        for trigger in self.pending:
            if trigger.satellite_id == satellite_id and trigger.time_ns < anchor.time_ns:
                anchor = trigger
        at = buffer.index_of(anchor.sequence, anchor.time_ns)
        if at is not None:
            return at + 1 - buffer.spec.size - buffer.spec.context
        newest = buffer.rows[-1]
        if rule_buffer.index_of(newest.sequence, newest.time_ns) is not None:
            return len(buffer.rows)  # behind the rule subsystem in its stream: its history covers what comes
        return None

    def _stream_task(self, sat: str, subsystem: str, window: ClosedWindow, now: Timestamp) -> events_pb2.InferenceTask:
        return events_pb2.InferenceTask(
            job_id=stream_job_id(sat, subsystem, window.start_time_ns), source=job_pb2.JOB_SOURCE_STREAM,
            windows=[build_window(sat, subsystem, self.models[(sat, subsystem)], window,
                                 self.class_of.get(sat, DEFAULT_CLASS), self.buffers[(sat, subsystem)].spec.context_columns)],
            create_time=now)

    def _ready_rule_tasks(self, satellite_id: str) -> list[events_pb2.InferenceTask]:
        """Rule jobs of this satellite whose triggering record every subsystem now holds (only a sample
        of the satellite itself can complete one).

        Each subsystem contributes the 30 rows ending at that record; one that does not hold 30 rows
        by then (its stream just began) is left out rather than sent with a short window. A trigger
        whose record the rule subsystem no longer holds (it moved RULE_LAG past it, or its stream
        restarted) is dropped: some subsystem never delivered the record.
        """
        ready, waiting = [], []
        for trigger in self.pending:
            if trigger.satellite_id != satellite_id:
                waiting.append(trigger)
                continue
            plan = self._plan_of(trigger.satellite_id)
            buffers = {ss: self.buffers.get((trigger.satellite_id, ss)) for ss in plan.subsystems}
            held = {ss: b is not None and b.index_of(trigger.sequence, trigger.time_ns) is not None
                    for ss, b in buffers.items()}
            if not held[plan.rule_subsystem]:
                continue
            if not all(held.values()):
                waiting.append(trigger)
                continue
            windows = [build_window(trigger.satellite_id, ss, self.models[(trigger.satellite_id, ss)], window,
                                    self.class_of.get(trigger.satellite_id, DEFAULT_CLASS), b.spec.context_columns)
                       for ss, b in buffers.items() if (window := b.window_ending_at(trigger.sequence, trigger.time_ns))]
            if windows:
                ready.append(events_pb2.InferenceTask(
                    job_id=rule_job_id(trigger.satellite_id, trigger.rule, trigger.time_ns),
                    source=job_pb2.JOB_SOURCE_RULE, trigger_reason=trigger.rule, windows=windows,
                    create_time=trigger.create_time))
        self.pending = waiting
        return ready

    def safe_offsets(self) -> dict[tuple[str, int], int]:
        """Per (subsystem, partition): the next offset to commit so a restart rebuilds every held window."""
        safe: dict[tuple[str, int], int] = {}
        for tp, consumed in self.consumed.items():
            heap = self.needs_heap.get(tp, [])
            while heap:
                offset, sat = heap[0]
                key = (sat, tp[0])
                if self.needs.get(key) != offset:
                    heapq.heappop(heap)  # that buffer has moved on since
                elif self.last_counted[key] < self.counted[tp] - self.stale_after_samples:
                    heapq.heappop(heap)  # a satellite gone quiet must not pin the offset
                    self._drop(key)
                else:
                    break
            safe[tp] = heap[0][0] if heap else consumed + 1
        return safe

    def forget(self, partitions: Iterable[tuple[str, int]]) -> None:
        """Drops everything held for (subsystem, partition)s that moved to another scheduler: their
        new owner rebuilds the windows from the committed offsets, and should they come back here,
        windows must not join rows from before and after the gap."""
        gone = set(partitions)
        for key in [k for k in self.buffers if (k[1], self.partitions[k]) in gone]:
            self._drop(key)
        for tp in gone:
            self.consumed.pop(tp, None)
            self.counted.pop(tp, None)
            self.needs_heap.pop(tp, None)
        left = {sat for sat, ss in self.buffers if ss == self._plan_of(sat).rule_subsystem}
        self.pending = [t for t in self.pending if t.satellite_id in left]
        for plan in self.plans.values():
            plan.rules.forget(sat for sat in list(plan.rules.state) if sat not in left)
        for sat in [sat for sat in self.class_of if sat not in left]:
            del self.class_of[sat]

    def _drop(self, key: tuple[str, str]) -> None:
        for held in (self.buffers, self.models, self.partitions, self.needs, self.last_counted):
            held.pop(key, None)

    def open_windows(self) -> int:
        return len(self.buffers)
