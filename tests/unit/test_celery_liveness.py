"""The worker's queue consumer under the liveness rules, on a clock the test moves and a fake Celery
consumer: a cancelled consumer with a queue nobody reads is unhealthy, consumes its queue again when
asked, and a consumer that cannot (its re-add fails, or its event loop is wedged) makes the process give up."""

from __future__ import annotations

import threading

from satmon_core.celery_liveness import QueueConsumerWatch, QueueProbe, liveness_step, report_queue_lag
from satmon_core.liveness import GroupView, LoopLiveness, Watchdog
from tests.support.clock import FakeClock

QUEUE = "satmon.inference"


class _TaskConsumer:
    def __init__(self) -> None:
        self.queues: set[str] = {QUEUE}

    def consuming_from(self, queue: str) -> bool:
        return queue in self.queues


class _Entry:
    def __init__(self) -> None:
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class _Timer:
    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def call_repeatedly(self, secs, fun, args=()):
        entry = _Entry()
        self.calls.append((secs, fun, args, entry))
        return entry


class _Consumer:
    """Celery's worker consumer, as far as the watch uses it."""

    def __init__(self, refuses_queue: bool = False) -> None:
        self.task_consumer: _TaskConsumer | None = _TaskConsumer()
        self.refuses_queue = refuses_queue
        self.timer = _Timer()

    def cancel_task_queue(self, queue: str) -> None:  # what the cancel_consumer control command does
        self.task_consumer.queues.discard(queue)

    def add_task_queue(self, queue: str) -> None:
        if self.refuses_queue:
            raise ConnectionError("connection reset by peer")
        self.task_consumer.queues.add(queue)


def _watched(clock, view=GroupView(members=0, lag=120)):
    liveness = LoopLiveness("worker", QUEUE, group_view=lambda: view, clock=clock, poll_bound_s=90,
                            unassigned_grace_s=30)
    health, gave_up = [], []
    dog = Watchdog([liveness], health.append, gave_up.append, clock=clock, repair_deadline_s=60)
    return QueueConsumerWatch(liveness, QUEUE), liveness, dog, health, gave_up


def test_a_consumer_of_its_queue_beats_and_holds_it():
    clock = FakeClock()
    watch, liveness, dog, health, _ = _watched(clock)
    clock.advance(5)
    watch.tick(_Consumer())
    assert liveness.partitions == 1 and liveness.last_beat == clock.now
    assert dog.check() and health == [True]


def test_a_cancelled_consumer_with_a_queue_nobody_reads_is_unhealthy_then_consumes_again_when_asked():
    clock = FakeClock()
    watch, liveness, dog, health, gave_up = _watched(clock)
    consumer = _Consumer()
    watch.tick(consumer)
    consumer.cancel_task_queue(QUEUE)
    watch.tick(consumer)
    assert liveness.partitions == 0
    clock.advance(31)
    watch.tick(consumer)
    assert not dog.check() and health == [False] and liveness.repair.is_set()

    watch.tick(consumer)  # the event loop's next tick does the repair
    assert consumer.task_consumer.consuming_from(QUEUE)
    assert liveness.repairs == 1 and not liveness.repair.is_set() and liveness.partitions == 1
    assert dog.check() and health == [False, True] and not gave_up


def test_a_cancelled_consumer_is_healthy_while_another_worker_reads_the_queue_or_it_is_empty():
    for view in (GroupView(members=1, lag=120), GroupView(members=0, lag=0), None):
        clock = FakeClock()
        watch, liveness, dog, _, _ = _watched(clock, view)
        consumer = _Consumer()
        consumer.cancel_task_queue(QUEUE)
        watch.tick(consumer)
        clock.advance(31)
        watch.tick(consumer)
        assert dog.check() and not liveness.repair.is_set(), view


def test_a_consumer_that_reconnected_by_itself_before_the_repair_is_not_counted_as_repaired():
    clock = FakeClock()
    watch, liveness, dog, health, _ = _watched(clock)
    consumer = _Consumer()
    consumer.task_consumer = None  # the connection was lost: Celery is re-establishing it
    watch.stopped()
    clock.advance(31)
    assert not dog.check() and liveness.repair.is_set()
    consumer.task_consumer = _TaskConsumer()  # Celery's own reconnect brought the queue consumer back
    watch.tick(consumer)
    assert liveness.repairs == 0 and not liveness.repair.is_set() and liveness.partitions == 1
    assert dog.check() and health == [False, True]


def test_a_consumer_that_cannot_consume_again_leaves_the_repair_pending_and_the_process_gives_up():
    clock = FakeClock()
    watch, liveness, dog, _, gave_up = _watched(clock)
    consumer = _Consumer(refuses_queue=True)
    consumer.cancel_task_queue(QUEUE)
    watch.tick(consumer)
    clock.advance(31)
    dog.check()
    for _ in range(31):  # it keeps ticking, and keeps failing, past the 60 s deadline
        clock.advance(2)
        watch.tick(consumer)
        dog.check()
    assert liveness.repair.is_set() and liveness.repairs == 0
    assert gave_up and "unassigned_with_lag" in gave_up[0]


def _assert_gives_up_as_wedged_once_repair_time_is_over(clock, dog, gave_up):
    clock.advance(61)  # past the 60 s a repair may take
    dog.check()
    assert gave_up and "wedged" in gave_up[0]


def test_an_event_loop_that_stops_ticking_is_wedged_and_the_process_gives_up():
    clock = FakeClock()
    watch, liveness, dog, health, gave_up = _watched(clock)
    watch.tick(_Consumer())
    clock.advance(91)  # the loop runs no timers any more: no beat, no repair
    assert not dog.check() and health == [False] and liveness.repair.is_set()
    _assert_gives_up_as_wedged_once_repair_time_is_over(clock, dog, gave_up)


def test_a_consumer_whose_connection_is_being_reestablished_holds_nothing():
    clock = FakeClock()
    watch, liveness, _, _, _ = _watched(clock)
    consumer = _Consumer()
    consumer.task_consumer = None
    watch.tick(consumer)
    assert liveness.partitions == 0


def test_the_bootstep_beats_on_start_ticks_on_the_consumer_timer_and_reports_nothing_held_once_stopped():
    clock = FakeClock()
    watch, liveness, _, _, _ = _watched(clock)
    consumer = _Consumer()
    step = liveness_step(watch, every_s=2.0)(consumer)
    clock.advance(5)
    step.start(consumer)
    assert liveness.last_beat == clock.now
    [(secs, fun, args, entry)] = consumer.timer.calls
    assert secs == 2.0 and fun == watch.tick and args == (consumer,)
    fun(*args)  # the event loop runs the timer
    assert liveness.partitions == 1
    step.stop(consumer)
    assert entry.cancelled and liveness.partitions == 0


def test_a_queue_rabbitmq_cannot_be_asked_about_is_unknown_never_stalled():
    probe = QueueProbe("amqp://guest:guest@127.0.0.1:1//", QUEUE, timeout=1)  # nothing listens on port 1
    assert probe() is None and probe() is None


def test_a_consumer_waiting_for_an_unreachable_rabbitmq_is_not_wedged_however_long_the_outage():
    clock = FakeClock()
    watch, liveness, dog, health, gave_up = _watched(clock, view=None)
    watch.started()
    watch.tick(_Consumer())
    watch.stopped()  # RabbitMQ went away: Celery stops the consumer's steps and retries the connection
    for _ in range(60):  # five minutes of outage, the lag reporter failing to ask every 5 s
        clock.advance(5)
        watch.broker_unreachable()
        dog.check()
    assert health == [True] and not gave_up and not liveness.repair.is_set()


def test_a_consumer_that_does_not_come_back_once_rabbitmq_answers_again_is_wedged():
    clock = FakeClock()
    watch, liveness, dog, health, gave_up = _watched(clock)
    watch.started()
    watch.stopped()
    clock.advance(5)
    watch.broker_unreachable()
    clock.advance(91)  # RabbitMQ answers again (no more unreachable reports), the consumer stays stopped
    assert not dog.check() and liveness.verdict().reason == "wedged"
    _assert_gives_up_as_wedged_once_repair_time_is_over(clock, dog, gave_up)


def test_an_unreachable_rabbitmq_does_not_beat_for_a_running_event_loop():
    clock = FakeClock()
    watch, liveness, _, _, _ = _watched(clock)
    watch.started()
    before = liveness.last_beat
    clock.advance(5)
    watch.broker_unreachable()  # its own timer must show it runs; the reporter cannot vouch for it
    assert liveness.last_beat == before


def test_the_lag_reporter_reports_the_queue_depth_and_an_unreachable_broker():
    clock = FakeClock()
    watch, liveness, _, _, _ = _watched(clock)
    answers = iter([GroupView(members=1, lag=42), None])
    stopping = threading.Event()
    seen = []

    def view():
        answer = next(answers, None)
        seen.append(answer)
        if len(seen) == 2:
            stopping.set()
        return answer

    watch.stopped()
    clock.advance(30)
    report_queue_lag(watch, view, stopping, every_s=0.0)
    assert liveness.lag == 42 and liveness.last_beat == clock.now
