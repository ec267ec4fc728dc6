"""The liveness rules of consume loops, on a clock the test moves and fake consumers: a wedged loop or
one holding nothing while its group has lag and no member is unhealthy, asked to repair, and the
process gives up when the repair does not come."""

from __future__ import annotations

from confluent_kafka import TopicPartition

from satmon_core.kafka import BatchLoop
from satmon_core.liveness import GroupView, LoopLiveness, Watchdog, judge
from tests.support.clock import FakeClock


def _never_asked() -> GroupView:
    raise AssertionError("the broker was asked although the loop holds partitions or is in its grace")


def test_a_loop_that_polls_and_holds_partitions_is_healthy():
    assert judge(100.0, last_beat=99.0, partitions=3, unassigned_since=None, group=_never_asked).healthy


def test_a_loop_whose_poll_has_not_returned_within_the_bound_is_wedged():
    verdict = judge(200.0, last_beat=100.0, partitions=3, unassigned_since=None, group=_never_asked, poll_bound_s=90)
    assert not verdict.healthy and verdict.reason == "wedged"
    assert judge(189.0, last_beat=100.0, partitions=3, unassigned_since=None, group=_never_asked, poll_bound_s=90).healthy


def test_holding_nothing_is_healthy_during_the_grace_of_a_rebalance():
    assert judge(120.0, last_beat=120.0, partitions=0, unassigned_since=100.0, group=_never_asked,
                 unassigned_grace_s=30).healthy


def test_holding_nothing_past_the_grace_while_the_group_has_lag_and_no_member_is_a_stall():
    verdict = judge(140.0, last_beat=140.0, partitions=0, unassigned_since=100.0,
                    group=lambda: GroupView(members=0, lag=24806), unassigned_grace_s=30)
    assert not verdict.healthy and verdict.reason == "unassigned_with_lag"


def test_holding_nothing_is_healthy_when_another_member_holds_the_partitions_or_nothing_is_waiting():
    for view in (GroupView(members=1, lag=500), GroupView(members=0, lag=0), None):
        assert judge(140.0, last_beat=140.0, partitions=0, unassigned_since=100.0, group=lambda v=view: v,
                     unassigned_grace_s=30).healthy, view


def _watched(clock, view=GroupView(0, 10)):
    loop = LoopLiveness("writer", "satmon-writer-jobs", group_view=lambda: view, clock=clock, poll_bound_s=90,
                        unassigned_grace_s=30)
    health, gave_up = [], []
    dog = Watchdog([loop], health.append, gave_up.append, clock=clock, repair_deadline_s=60)
    return loop, dog, health, gave_up


def test_the_watchdog_reports_not_serving_asks_for_a_repair_and_serves_again_after_it():
    clock = FakeClock()
    loop, dog, health, gave_up = _watched(clock)
    loop.holds(4)
    assert dog.check() and health == [True]
    loop.holds(0)  # the group took the partitions away and never gave them back
    clock.advance(31)
    loop.beat()
    assert not dog.check() and health == [True, False] and loop.repair.is_set()
    loop.repaired()  # the loop closed its consumer and subscribed a new one
    assert dog.check() and health == [True, False, True] and not gave_up
    assert loop.repairs == 1


def test_the_process_gives_up_when_the_repair_does_not_come_within_the_deadline():
    clock = FakeClock()
    loop, dog, health, gave_up = _watched(clock)
    loop.holds(4)
    clock.advance(91)  # the loop's thread is stuck: it neither polls nor repairs
    assert not dog.check() and loop.repair.is_set() and not gave_up
    clock.advance(30)
    dog.check()
    assert not gave_up
    clock.advance(31)
    dog.check()
    assert gave_up and "wedged" in gave_up[0]


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


class _Consumer:
    """A subscribed fake: on its first poll it is assigned partition 0 and hands out `messages`."""

    def __init__(self, messages: list[int]) -> None:
        self.messages = list(messages)
        self.on_assign = None
        self.assigned: list[TopicPartition] = []
        self.closed = False
        self.stored: list[int] = []

    def subscribe(self, topics, on_assign=None, on_revoke=None, on_lost=None):
        self.on_assign = on_assign

    def poll(self, timeout):
        if not self.assigned:  # like the real client: the callback runs before the assignment applies
            self.on_assign(self, [TopicPartition("t", 0)])
            self.assigned = [TopicPartition("t", 0)]
        return _Msg(self.messages.pop(0)) if self.messages else None

    def consume(self, n, timeout):
        return []

    def assignment(self):
        return list(self.assigned)

    def position(self, partitions):
        return [TopicPartition(tp.topic, tp.partition, 0) for tp in partitions]

    def get_watermark_offsets(self, tp, cached=False):
        return 0, len(self.messages)

    def store_offsets(self, message):
        self.stored.append(message.offset())

    def close(self):
        self.closed = True


def test_a_loop_asked_to_repair_replaces_its_consumer_and_goes_on_consuming():
    clock = FakeClock()
    first, second = _Consumer([0, 1]), _Consumer([2])
    liveness = LoopLiveness("writer", "g", clock=clock)
    handled: list[int] = []
    loop = BatchLoop("writer", first, lambda msgs: handled.extend(m.offset() for m in msgs) or [], None, "dlq",
                     topics=["t"], clock=clock, liveness=liveness, reconnect=lambda: second)
    loop.run_once()
    assert liveness.partitions == 1 and liveness.lag == 1 and handled == [0]

    liveness.repair.set()
    loop.stopping = _StopAfter(1)  # run() does the repair, then one more batch, then stops
    loop.run()
    assert first.closed and loop.consumer is second and liveness.repairs == 1 and not liveness.repair.is_set()
    assert handled == [0, 2] and second.stored == [2]


class _StopAfter:
    """A stop flag that turns true after `n` checks."""

    def __init__(self, n: int) -> None:
        self.left = n

    def is_set(self) -> bool:
        self.left -= 1
        return self.left < 0


def test_a_loop_that_cannot_make_a_new_consumer_ends_so_the_process_restarts():
    import pytest

    liveness = LoopLiveness("writer", "g", clock=FakeClock())
    loop = BatchLoop("writer", _Consumer([]), lambda msgs: [], None, "dlq", topics=["t"], liveness=liveness)
    liveness.repair.set()
    with pytest.raises(RuntimeError, match="cannot make one"):
        loop.run()
