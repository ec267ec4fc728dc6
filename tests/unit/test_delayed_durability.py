"""BatchLoop with a sink that acknowledges before its writes are durable: offsets are stored only
after the delay, and a sink restart rewinds to the oldest batch not yet stored."""

from __future__ import annotations

from satmon_core.kafka import BatchLoop, DelayedDurability
from tests.support.clock import FakeClock


class _Msg:
    def __init__(self, offset: int) -> None:
        self._offset = offset

    def error(self):
        return None

    def topic(self) -> str:
        return "t"

    def partition(self) -> int:
        return 0

    def offset(self) -> int:
        return self._offset

    def headers(self):
        return None


class _Consumer:
    """A fake consumer over one partition: poll/consume hand out offsets from `position`."""

    def __init__(self, end: int) -> None:
        self.position, self.end = 0, end
        self.stored: list[int] = []
        self.seeks: list[int] = []

    def poll(self, timeout):
        if self.position >= self.end:
            return None
        self.position += 1
        return _Msg(self.position - 1)

    def consume(self, n, timeout):
        return []

    def store_offsets(self, message):
        self.stored.append(message.offset())

    def assignment(self):
        from confluent_kafka import TopicPartition

        return [TopicPartition("t", 0)]

    def seek(self, tp):
        self.seeks.append(tp.offset)
        self.position = tp.offset


def _written(records: int):
    """A loop over `records` messages, each written to the sink (`written`) by one run_once."""
    consumer, epoch, written = _Consumer(records), ["start-1"], []
    durability = DelayedDurability(lambda: epoch[0], delay_s=0.2, check_every_s=0.0)
    loop = BatchLoop("test", consumer, lambda msgs: written.extend(m.offset() for m in msgs) or [], None, "dlq",
                     durability=durability, clock=FakeClock())
    for _ in range(records):
        loop.run_once()
    return consumer, epoch, written, loop


def test_offsets_are_stored_only_after_the_delay():
    consumer, epoch, written, loop = _written(3)
    assert written == [0, 1, 2] and consumer.stored == []
    loop.clock.advance(0.19)
    loop.run_once()
    assert consumer.stored == []  # not yet: the sink may still lose them
    loop.clock.advance(0.06)
    loop.run_once()
    assert consumer.stored == [0, 1, 2]


def test_a_sink_restart_rewinds_to_the_oldest_unstored_batch_and_writes_again():
    consumer, epoch, written, loop = _written(3)
    epoch[0] = "start-2"  # the sink was killed and came back: what it acknowledged may be gone
    loop.clock.advance(0.25)
    loop.run_once()
    assert consumer.seeks == [0] and consumer.stored == []
    for _ in range(3):
        loop.run_once()
    assert written == [0, 1, 2, 0, 1, 2]
    loop.clock.advance(0.25)
    loop.run_once()
    assert consumer.stored == [0, 1, 2]


def test_nothing_is_stored_while_the_sink_cannot_be_asked():
    consumer, epoch, written, loop = _written(2)
    epoch[0] = None
    loop.clock.advance(0.25)
    loop.run_once()
    assert consumer.stored == []
    epoch[0] = "start-1"
    loop.run_once()
    assert consumer.stored == [0, 1]


def test_a_revoked_partition_is_neither_stored_nor_rewound_here_and_the_handler_hears_of_it():
    from confluent_kafka import TopicPartition

    consumer, epoch, written, loop = _written(3)
    heard = []
    loop.on_revoke = lambda _consumer, partitions: heard.extend(partitions)
    consumer.commit = lambda asynchronous: None
    loop._revoked(consumer, [TopicPartition("t", 0)])
    consumer.assignment = lambda: []
    loop.clock.advance(0.25)
    epoch[0] = "start-2"
    loop.run_once()
    assert heard == [TopicPartition("t", 0)]
    assert consumer.stored == [] and consumer.seeks == []  # its new owner writes those batches again


class _GatheringConsumer(_Consumer):
    """Hands out one message per poll and, on consume, what arrives within the timeout: here, up to
    `arrive_within_gather` more messages when the loop is willing to wait, none when it is not."""

    def __init__(self, end: int, arrive_within_gather: int) -> None:
        super().__init__(end)
        self.arrive_within_gather = arrive_within_gather
        self.consumes: list[tuple[int, float]] = []

    def consume(self, n, timeout):
        self.consumes.append((n, timeout))
        count = min(n, self.arrive_within_gather, self.end - self.position) if timeout > 0 else 0
        self.position += count
        return [_Msg(self.position - count + i) for i in range(count)]


def test_a_gathering_loop_waits_for_its_batch_to_fill_and_a_plain_one_takes_what_is_there():
    for gather_s, expected_batches in ((5.0, [[0, 1, 2, 3, 4]]), (0.0, [[0]])):
        consumer, batches = _GatheringConsumer(5, arrive_within_gather=4), []
        loop = BatchLoop("test", consumer, lambda msgs: batches.append([m.offset() for m in msgs]) or [], None, "dlq",
                         batch_size=100, clock=FakeClock(), gather_s=gather_s)
        loop.run_once()
        assert consumer.consumes == [(99, gather_s)] and batches == expected_batches
