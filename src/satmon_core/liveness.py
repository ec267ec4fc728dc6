"""Liveness of consume loops: is each loop still consuming, and what to do when it is not.

A loop reports three things: how many partitions it holds, when it last showed a sign of life (its
poll returned, or a retry of its batch ran), and its lag on the partitions it holds. The rules:

- A loop whose thread showed no sign of life for `POLL_BOUND_S` is wedged.
- A loop that has held no partitions for `UNASSIGNED_GRACE_S` while its group has lag and no
  member holds any partition is stalled: nobody is reading the group's input.

An unhealthy loop makes its service NOT_SERVING and is asked to repair itself (close and recreate
its consumer, see BatchLoop; the worker's Celery consumer consumes its queue again, see
satmon_core.celery_liveness); if it has not repaired within `REPAIR_DEADLINE_S` (its thread is
stuck, or recreating failed) the process exits and the keeper starts it again. Every time here comes
from an injected clock (a callable returning seconds), so tests move time instead of sleeping.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from satmon_core import metrics

__all__ = ["POLL_BOUND_S", "UNASSIGNED_GRACE_S", "REPAIR_DEADLINE_S", "GroupView", "Verdict", "judge",
           "LoopLiveness", "Watchdog"]

log = logging.getLogger(__name__)

Clock = Callable[[], float]

# A live loop shows a sign of life at least every ~40 s: a poll returns within 0.2 s, a batch takes
# seconds, and the longest single step between signs is produce_confirmed's 30 s deadline plus the
# 10 s backoff cap. 90 s leaves room for a loaded 2-core machine and still acts well before Kafka's
# max.poll.interval.ms (300 s) would take the partitions away.
POLL_BOUND_S = 90.0
# Joining a group takes a rebalance: up to session.timeout.ms (10 s) for a dead member to be
# dropped, plus the join and sync round trips. Three times the session timeout is past any
# rebalance we have seen, and short enough that a stalled group is noticed within a minute.
UNASSIGNED_GRACE_S = 30.0
# Closing a consumer leaves its group and commits (a few seconds); a repair not done within a
# minute will not be done.
REPAIR_DEADLINE_S = 60.0


@dataclass(frozen=True)
class GroupView:
    """What the broker says of a consumer group."""

    members: int  # processes that hold at least one partition
    lag: int  # messages in the group's topics beyond its committed offsets


@dataclass(frozen=True)
class Verdict:
    healthy: bool
    reason: str = ""  # "wedged" or "unassigned_with_lag" when not healthy


def judge(now: float, last_beat: float, partitions: int, unassigned_since: float | None,
          group: Callable[[], GroupView | None], poll_bound_s: float = POLL_BOUND_S,
          unassigned_grace_s: float = UNASSIGNED_GRACE_S) -> Verdict:
    """The liveness rules. `group` is asked only when the loop has held nothing past the grace (it
    costs a round trip to the broker); None (the broker cannot be asked) gives the benefit of doubt."""
    if now - last_beat > poll_bound_s:
        return Verdict(False, "wedged")
    if partitions == 0 and unassigned_since is not None and now - unassigned_since > unassigned_grace_s:
        view = group()
        if view is not None and view.members == 0 and view.lag > 0:
            return Verdict(False, "unassigned_with_lag")
    return Verdict(True)


class LoopLiveness:
    """One loop's report, written by its thread and read by the Watchdog's.

    Plain attribute writes of numbers are atomic in CPython, so no lock is needed for the report;
    `repair` is an Event because the two threads hand it to each other.
    """

    def __init__(self, service: str, group: str, group_view: Callable[[], GroupView | None] = lambda: None,
                 clock: Clock = time.monotonic, poll_bound_s: float = POLL_BOUND_S,
                 unassigned_grace_s: float = UNASSIGNED_GRACE_S) -> None:
        self.service, self.group = service, group
        self.group_view = group_view
        self.clock = clock
        self.poll_bound_s, self.unassigned_grace_s = poll_bound_s, unassigned_grace_s
        self.last_beat = clock()
        self.partitions = 0
        self.unassigned_since: float | None = self.last_beat
        self.lag: int | None = None
        self.repair = threading.Event()  # set by the Watchdog, cleared by the loop once it has a new consumer
        self.repairs = 0

    def beat(self) -> None:
        """The loop's thread is alive: its poll returned, or it ran another retry of its batch."""
        self.last_beat = self.clock()

    def holds(self, partitions: int) -> None:
        self.partitions = max(0, partitions)
        if self.partitions == 0:
            if self.unassigned_since is None:
                self.unassigned_since = self.clock()
        else:
            self.unassigned_since = None

    def repaired(self) -> None:
        """A new consumer replaced the old one: it starts with nothing and a fresh grace."""
        self.repairs += 1
        metrics.LOOP_REPAIRS.labels(self.service, self.group).inc()
        self.beat()
        self.unassigned_since = None
        self.holds(0)
        self.repair.clear()

    def verdict(self) -> Verdict:
        return judge(self.clock(), self.last_beat, self.partitions, self.unassigned_since, self.group_view,
                     self.poll_bound_s, self.unassigned_grace_s)


class Watchdog:
    """Judges every loop of a process, sets its health, asks unhealthy loops to repair, and gives up
    (`on_give_up`, which exits the process) when a repair does not happen in time."""

    def __init__(self, loops: Sequence[LoopLiveness], on_health: Callable[[bool], None],
                 on_give_up: Callable[[str], None], clock: Clock = time.monotonic,
                 repair_deadline_s: float = REPAIR_DEADLINE_S) -> None:
        self.loops = list(loops)
        self.on_health, self.on_give_up = on_health, on_give_up
        self.clock = clock
        self.repair_deadline_s = repair_deadline_s
        self._asked_at: dict[int, float] = {}  # id(loop) -> when its repair was asked for
        self._healthy: bool | None = None

    def check(self) -> bool:
        """One round over every loop; returns whether all are healthy."""
        now = self.clock()
        all_healthy = True
        for loop in self.loops:
            verdict = loop.verdict()
            labels = (loop.service, loop.group)
            metrics.LOOP_HEALTHY.labels(*labels).set(1 if verdict.healthy else 0)
            metrics.LOOP_PARTITIONS.labels(*labels).set(loop.partitions)
            metrics.LOOP_SECONDS_SINCE_BEAT.labels(*labels).set(max(0.0, now - loop.last_beat))
            if loop.lag is not None:
                metrics.LOOP_LAG.labels(*labels).set(loop.lag)
            if verdict.healthy:
                self._asked_at.pop(id(loop), None)
                continue
            all_healthy = False
            asked = self._asked_at.get(id(loop))
            if asked is None or not loop.repair.is_set():
                log.warning("%s loop %s is unhealthy (%s): recreating its consumer", loop.service, loop.group,
                            verdict.reason)
                self._asked_at[id(loop)] = now
                loop.repair.set()
            elif now - asked > self.repair_deadline_s:
                self.on_give_up(f"{loop.group}: {verdict.reason}, not repaired within {self.repair_deadline_s:.0f} s")
        if all_healthy != self._healthy:
            self._healthy = all_healthy
            self.on_health(all_healthy)
        return all_healthy

    def run(self, stopping: threading.Event, every_s: float = 5.0) -> None:
        while not stopping.wait(every_s):
            self.check()
