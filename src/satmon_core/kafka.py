"""Kafka plumbing: client settings, topic creation, and the consume-process-store loop.

The loop follows confluent-kafka's examples/consumer.py with
enable.auto.offset.store off: offsets are stored only after a batch was
processed (or dead-lettered), so a crash replays unfinished work and the
idempotent sinks absorb the repeats.
"""

from __future__ import annotations

import logging
import threading
import time
import zlib
from collections import Counter, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from confluent_kafka import Consumer, KafkaError, KafkaException, Message, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from satmon_core import metrics
from satmon_core.errors import TransientError
from satmon_core.liveness import GroupView, LoopLiveness

__all__ = ["key_partition", "consumer_config", "make_consumer", "make_producer", "ensure_topics", "OutgoingMessage",
           "produce_confirmed", "DeadLetter", "DelayedDurability", "BatchLoop", "consumer_lag",
           "group_members", "group_view", "loop_liveness"]

log = logging.getLogger(__name__)
T = TypeVar("T")


def consumer_config(bootstrap: str, group: str, **overrides: object) -> dict[str, object]:
    config: dict[str, object] = {
        "bootstrap.servers": bootstrap,
        "group.id": group,
        "enable.auto.commit": True,
        "enable.auto.offset.store": False,
        "auto.offset.reset": "earliest",
        # A crashed consumer's partitions move to the rest of its group within 10 s (Kafka's
        # minimum session timeout is 6 s); heartbeats at a third of it, as Kafka recommends.
        "session.timeout.ms": 10000,
        "heartbeat.interval.ms": 3000,
        "auto.commit.interval.ms": 500,
        # A fetch is answered once 16 KB are there or after 100 ms: under load (1,000 satellites
        # fill 16 KB of a subsystem topic in about 10 ms) that is a tenth of the fetch requests
        # "answer at once" made, each costing the broker and the client a round; when telemetry
        # trickles in, a hop waits at most 100 ms.
        "fetch.min.bytes": 16384,
        "fetch.wait.max.ms": 100,
    }
    config.update(overrides)
    return config


def make_consumer(bootstrap: str, group: str, topics: Sequence[str] = (), **overrides: object) -> Consumer:
    """A consumer of the group, subscribed to `topics` when given (a BatchLoop subscribes itself,
    to hear of rebalances)."""
    consumer = Consumer(consumer_config(bootstrap, group, **overrides))
    if topics:
        consumer.subscribe(list(topics))
    return consumer


def make_producer(bootstrap: str, **overrides: object) -> Producer:
    config: dict[str, object] = {
        "bootstrap.servers": bootstrap,
        # Idempotent: a retried send after a broker hiccup is written once, in order.
        "enable.idempotence": True,
        "acks": "all",
        # Gather 20 ms of messages per partition into one produce request (5 ms made batches of a few
        # dozen messages at 1,000 satellites, and the requests, not the bytes, cost the broker CPU).
        "linger.ms": 20,
        "batch.num.messages": 2000,
        "queue.buffering.max.messages": 500000,
    }
    config.update(overrides)
    return Producer(config)


@dataclass(frozen=True)
class OutgoingMessage:
    topic: str
    value: bytes
    key: bytes | None = None
    headers: list[tuple[str, bytes]] | None = None
    partition: int = -1  # -1: the producer's partitioner chooses, from the key


def key_partition(key: bytes, partitions: int) -> int:
    """The partition librdkafka's default partitioner (consistent_random) gives a keyed message: the
    key's CRC32 modulo the partition count. A producer that picks partitions itself for messages that
    gather many keys uses it to keep each key where its own messages would go."""
    return zlib.crc32(key) % partitions


def produce_confirmed(producer: Producer, messages: Sequence[OutgoingMessage], service: str,
                      timeout: float = 30.0) -> None:
    """Produces messages and returns only once the broker acknowledged every one of them.

    Raises TransientError if any was refused or not acknowledged within the timeout; the
    caller then keeps its input (no offset stored, no "accepted" answer) and retries. The
    producer may be shared by threads: each call counts only its own delivery reports.
    """
    lock = threading.Lock()
    outcome = {"acknowledged": 0, "failures": []}

    def on_delivery(err, _msg) -> None:
        with lock:
            if err is None:
                outcome["acknowledged"] += 1
            else:
                outcome["failures"].append(err)

    for message in messages:
        while True:
            try:
                producer.produce(message.topic, value=message.value, key=message.key, headers=message.headers,
                                 partition=message.partition, on_delivery=on_delivery)
                break
            except BufferError:  # the local queue is full: let deliveries drain it
                producer.poll(0.05)
    _count_per_topic(metrics.MESSAGES_PRODUCED, service, (message.topic for message in messages))
    deadline = time.monotonic() + timeout
    while True:
        with lock:
            done = outcome["acknowledged"] + len(outcome["failures"])
        if done >= len(messages) or time.monotonic() >= deadline:
            break
        producer.flush(min(1.0, max(0.0, deadline - time.monotonic())))
    with lock:
        acknowledged, failures = outcome["acknowledged"], list(outcome["failures"])
    if acknowledged < len(messages):
        raise TransientError(f"Kafka acknowledged {acknowledged} of {len(messages)} messages"
                             + (f"; first refusal: {failures[0]}" if failures else " before the deadline"),
                             reason="KAFKA_UNAVAILABLE")


def _count_per_topic(counter, service: str, topics: Iterable[str]) -> None:
    """One counter increment per topic of a batch: a labels() lookup per message was 5 % of the
    scheduler's consume thread at 7,000 messages a second."""
    for topic, count in Counter(topics).items():
        counter.labels(service, topic).inc(count)


def ensure_topics(bootstrap: str, topics: dict[str, int], timeout: float = 15) -> None:
    """Creates missing topics with their partition counts; existing topics are left alone."""
    admin = AdminClient({"bootstrap.servers": bootstrap})
    existing = set(admin.list_topics(timeout=timeout).topics)
    wanted = [NewTopic(name, num_partitions=parts, replication_factor=1)
              for name, parts in topics.items() if name not in existing]
    if not wanted:
        return
    for name, future in admin.create_topics(wanted, operation_timeout=timeout).items():
        try:
            future.result(timeout=timeout)
        except KafkaException as exc:
            if exc.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:
                raise


def consumer_lag(bootstrap: str, group: str, topics: Sequence[str], timeout: float = 5) -> int:
    """Messages in the topics not yet committed by the group."""
    from confluent_kafka import TopicPartition

    consumer = Consumer(consumer_config(bootstrap, group))
    try:
        metadata = consumer.list_topics(timeout=timeout)
        partitions = [TopicPartition(t, p) for t in topics if t in metadata.topics for p in metadata.topics[t].partitions]
        committed = consumer.committed(partitions, timeout=timeout)
        lag = 0
        for tp in committed:
            low, high = consumer.get_watermark_offsets(tp, timeout=timeout, cached=False)
            lag += max(0, high - (tp.offset if tp.offset >= 0 else low))
        return lag
    finally:
        consumer.close()


def group_members(bootstrap: str, group: str, timeout: float = 5) -> int:
    """Processes of a consumer group that hold at least one partition now."""
    admin = AdminClient({"bootstrap.servers": bootstrap})
    description = admin.describe_consumer_groups([group], request_timeout=timeout)[group].result(timeout=timeout)
    return sum(1 for member in description.members if member.assignment.topic_partitions)


def group_view(bootstrap: str, group: str, topics: Sequence[str], timeout: float = 5) -> GroupView | None:
    """The group as the broker sees it, for the liveness rules; None while the broker cannot say."""
    try:
        return GroupView(group_members(bootstrap, group, timeout), consumer_lag(bootstrap, group, topics, timeout))
    except Exception as exc:  # noqa: BLE001 - any failure to ask means "unknown", never "stalled"
        log.info("group %s: cannot describe it now: %s", group, exc)
        return None


def loop_liveness(service: str, bootstrap: str, group: str, topics: Sequence[str]) -> LoopLiveness:
    """The liveness report of a loop consuming `topics` in `group`, asking the broker about the group
    when the loop holds nothing."""
    return LoopLiveness(service, group, group_view=lambda: group_view(bootstrap, group, topics))


@dataclass(frozen=True)
class DeadLetter:
    """A message the handler rejected, with a short reason code and detail."""

    message: Message
    reason: str
    detail: str = ""


BatchHandler = Callable[[list[Message]], list[DeadLetter]]
# Called when partitions leave this consumer (a rebalance, or the group lost it), while it can still
# store and commit offsets for them: state kept for them must go, their new owner rebuilds it.
RevokeHandler = Callable[[Consumer, list[TopicPartition]], None]


def _store_assigned(consumer: Consumer, messages: list[Message]) -> None:
    """Stores each message's offset, for partitions this consumer still owns (a batch written
    before a rebalance is stored after it; the partitions that moved are re-read by their owner)."""
    assigned = {(tp.topic, tp.partition) for tp in consumer.assignment()}
    for message in messages:
        if (message.topic(), message.partition()) in assigned:
            consumer.store_offsets(message=message)


@dataclass(frozen=True)
class DelayedDurability:
    """For a sink that acknowledges writes before they are on disk (VictoriaMetrics): a batch's
    offsets are stored `delay_s` after the batch was written, and only if the sink's `epoch()` (its
    start time; None while it cannot be asked) is the one seen when the batch was written. If the
    sink restarted in between, the loop seeks back to the oldest batch whose offsets it has not
    stored and writes again; the sink's writes are idempotent."""

    epoch: Callable[[], object | None]
    delay_s: float
    check_every_s: float = 1.0


class BatchLoop:
    """Polls batches, hands them to a handler, dead-letters rejects, then stores offsets.

    With `liveness`, the loop reports what it holds, each poll's return and its lag there
    (satmon_core.liveness); when the Watchdog asks for a repair, it closes its consumer and takes
    a new one from `reconnect`. Times come from `clock`, so tests move time instead of sleeping.

    A TransientError from the handler retries the same batch with capped
    exponential backoff; offsets are not stored until it succeeds.

    With `gather_s`, a batch waits up to that long to fill after its first message (a sink that costs
    less per sample when a series comes with several, at the price of that much latency); without,
    it takes what has already arrived.

    Several processes may run the same loop in one consumer group. When partitions
    leave this process, the offsets it stored for them are committed before the
    new owner starts from them, batches not yet durable in a delayed sink are
    forgotten (the new owner writes them again), and `on_revoke` drops whatever
    the handler keeps per partition.
    """

    def __init__(self, service: str, consumer: Consumer, handler: BatchHandler, producer: Producer,
                 dead_letter_topic: str, batch_size: int = 500, poll_timeout: float = 0.2,
                 max_backoff: float = 10.0,
                 store: Callable[[Consumer, list[Message]], None] | None = None,
                 durability: DelayedDurability | None = None, topics: Sequence[str] = (),
                 on_revoke: RevokeHandler | None = None, clock: Callable[[], float] = time.monotonic,
                 liveness: LoopLiveness | None = None, reconnect: Callable[[], Consumer] | None = None,
                 gather_s: float = 0.0) -> None:
        self.service = service
        self.consumer = consumer
        self.handler = handler
        self.producer = producer
        self.dead_letter_topic = dead_letter_topic
        self.batch_size = batch_size
        self.poll_timeout = poll_timeout
        self.gather_s = gather_s
        self.max_backoff = max_backoff
        self.stopping = threading.Event()
        # Default: every processed message's offset. The scheduler stores less (windows it still holds).
        self.store = store or _store_assigned
        self.durability = durability
        self.on_revoke = on_revoke
        self._unconfirmed: deque[tuple[float, list[Message]]] = deque()  # (written at, batch), oldest first
        self._sink_epoch: object | None = None
        self._checked_at = 0.0
        self.clock = clock
        self.liveness = liveness
        self.reconnect = reconnect
        self.topics = list(topics)
        self._lag_at = float("-inf")
        if topics:
            self._subscribe(consumer)

    def _subscribe(self, consumer: Consumer) -> None:
        consumer.subscribe(self.topics, on_assign=self._assigned, on_revoke=self._revoked, on_lost=self._lost)

    def _assigned(self, consumer: Consumer, partitions: list[TopicPartition]) -> None:
        # The client applies the assignment after this callback returns: count it from `partitions`.
        if self.liveness is not None:
            held = {(tp.topic, tp.partition) for tp in [*consumer.assignment(), *partitions]}
            self.liveness.holds(len(held))

    def _revoked(self, consumer: Consumer, partitions: list[TopicPartition]) -> None:
        # No commit here: with enable.auto.commit librdkafka itself commits the stored offsets of
        # partitions leaving the assignment, and finishes the unassign only after that commit
        # (rdkafka_assignment.c, rd_kafka_assignment_serve_removals). A synchronous commit in this
        # callback blocked the poll thread, the only one that can finish the rebalance, on a round
        # trip to a coordinator that during a broker restart may not answer.
        self._forget(consumer, partitions)

    def _lost(self, consumer: Consumer, partitions: list[TopicPartition]) -> None:
        """The group gave the partitions away already (this process was too slow to heartbeat):
        nothing can be committed for them, only forgotten."""
        self._forget(consumer, partitions)

    def _forget(self, consumer: Consumer, partitions: list[TopicPartition]) -> None:
        gone = {(tp.topic, tp.partition) for tp in partitions}
        log.info("%s: %d partitions leave this process", self.service, len(gone))
        metrics.PARTITION_REVOCATIONS.labels(self.service).inc()
        self._unconfirmed = deque((at, kept) for at, batch in self._unconfirmed
                                  if (kept := [m for m in batch if (m.topic(), m.partition()) not in gone]))
        if self.on_revoke is not None:
            self.on_revoke(consumer, partitions)
        if self.liveness is not None:
            held = {(tp.topic, tp.partition) for tp in consumer.assignment()}
            self.liveness.holds(len(held - gone))

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                if self.liveness is not None and self.liveness.repair.is_set():
                    self.replace_consumer()
                self.run_once()
        finally:
            self.consumer.close()

    def replace_consumer(self) -> None:
        """Closes the consumer and subscribes a new one. Whatever was written but not stored is
        forgotten, as on a rebalance: the new consumer reads it again from the committed offsets
        and the idempotent sinks absorb the repeat. Without `reconnect` (or if it fails) the
        exception ends the loop, and with it the process, which the keeper restarts."""
        if self.reconnect is None:
            raise RuntimeError(f"{self.service}: the consumer needs replacing and this loop cannot make one")
        log.warning("%s: replacing the consumer of %s", self.service, self.topics)
        old = self.consumer
        try:
            held = old.assignment()
            old.close()  # commits what was stored, and leaves the group
        except Exception as exc:  # noqa: BLE001 - a broken consumer may fail to close; the new one matters
            log.warning("%s: closing the old consumer failed: %s", self.service, exc)
            held = []
        if held:
            self._forget(old, held)  # as if revoked (close may have done it already; forgetting twice is harmless)
        self._unconfirmed.clear()
        self.consumer = self.reconnect()
        if self.topics:
            self._subscribe(self.consumer)
        self.liveness.repaired()

    def run_once(self) -> int:
        # Block for the first message only, then take whatever else is already fetched (or arrives within
        # gather_s): consume(n, t) alone would hold a partial batch for the whole timeout and add that to
        # every hop's latency, even while nothing arrives.
        first = self.consumer.poll(self.poll_timeout)
        if self.liveness is not None:
            self.liveness.beat()
            self._report_lag()
        self._store_durable()
        if first is None:
            return 0
        messages = [first, *self.consumer.consume(self.batch_size - 1, self.gather_s)]
        good = []
        for msg in messages:
            if msg.error():
                if msg.error().code() != KafkaError._PARTITION_EOF:
                    log.warning("consume error: %s", msg.error())
                continue
            good.append(msg)
        if not good:
            return 0
        with metrics.BATCH_SECONDS.labels(self.service).time():
            rejects = self._retry(lambda: self.handler(good))
        if rejects:
            # Offsets move past a rejected message only once the dead-letter topic holds it.
            self._retry(lambda: self._dead_letter(rejects))
        _count_per_topic(metrics.MESSAGES_CONSUMED, self.service, (msg.topic() for msg in good))
        if self.durability is None:
            self.store(self.consumer, good)
        else:
            if self._sink_epoch is None:
                self._sink_epoch = self.durability.epoch()
            self._unconfirmed.append((self.clock(), good))
        return len(good)

    def _report_lag(self, every_s: float = 2.0) -> None:
        """Messages behind on the held partitions, from the consumer's own positions and the high
        watermarks its fetches brought back (no round trip to the broker)."""
        now = self.clock()
        if now - self._lag_at < every_s:
            return
        self._lag_at = now
        try:
            lag = 0
            for tp in self.consumer.position(self.consumer.assignment()):
                _low, high = self.consumer.get_watermark_offsets(tp, cached=True)
                if tp.offset >= 0 and high >= 0:
                    lag += max(0, high - tp.offset)
            self.liveness.lag = lag
        except KafkaException:
            pass  # not known now; the last value stands

    def _store_durable(self) -> None:
        """Stores the offsets of batches the sink has had time to make durable; rewinds if it restarted."""
        if not self._unconfirmed or self.durability is None:
            return
        now = self.clock()
        if now - self._unconfirmed[0][0] < self.durability.delay_s or now - self._checked_at < self.durability.check_every_s:
            return
        self._checked_at = now
        epoch = self.durability.epoch()
        if epoch is None:
            return  # the sink is away: keep everything unstored until it answers
        if self._sink_epoch is not None and epoch != self._sink_epoch:
            self._rewind()
            self._sink_epoch = epoch
            return
        self._sink_epoch = epoch
        while self._unconfirmed and now - self._unconfirmed[0][0] >= self.durability.delay_s:
            self.store(self.consumer, self._unconfirmed.popleft()[1])

    def _rewind(self) -> None:
        oldest: dict[tuple[str, int], int] = {}
        for _, batch in self._unconfirmed:
            for msg in batch:
                key = (msg.topic(), msg.partition())
                oldest[key] = min(oldest.get(key, msg.offset()), msg.offset())
        self._unconfirmed.clear()
        assigned = {(tp.topic, tp.partition) for tp in self.consumer.assignment()}
        log.warning("%s: the sink restarted; writing again from %d partition offsets", self.service, len(oldest))
        metrics.RETRIES.labels(self.service, "SinkRestarted").inc()
        for (topic, partition), offset in oldest.items():
            if (topic, partition) in assigned:  # a partition moved away is re-read by its new owner
                self.consumer.seek(TopicPartition(topic, partition, offset))

    def _retry(self, attempt: Callable[[], T]) -> T:
        delay = 0.2
        while True:
            try:
                return attempt()
            except TransientError as exc:
                if self.liveness is not None:
                    self.liveness.beat()  # alive, waiting for a sink: no repair would help
                if self.stopping.is_set():
                    raise
                metrics.RETRIES.labels(self.service, type(exc.__cause__ or exc).__name__).inc()
                log.warning("transient failure, retrying in %.1fs: %s", delay, exc)
                time.sleep(delay)
                delay = min(delay * 2, self.max_backoff)

    def _dead_letter(self, rejects: list[DeadLetter]) -> None:
        produce_confirmed(self.producer, [self._dead_letter_message(r) for r in rejects], self.service)
        for reject in rejects:
            metrics.DEAD_LETTERS.labels(self.service, reject.reason).inc()

    def _dead_letter_message(self, reject: DeadLetter) -> OutgoingMessage:
        msg = reject.message
        headers = list(msg.headers() or []) + [
            ("satmon-dlq-reason", reject.reason.encode()),
            ("satmon-dlq-detail", reject.detail[:500].encode()),
            ("satmon-dlq-source-topic", msg.topic().encode()),
            ("satmon-dlq-source-offset", f"{msg.partition()}:{msg.offset()}".encode()),
            ("satmon-dlq-service", self.service.encode()),
        ]
        return OutgoingMessage(self.dead_letter_topic, msg.value(), msg.key(), headers)
