"""Liveness of a Celery worker's task consumer, on the same rules as the Kafka loops (satmon_core.liveness).

The consumer's own event loop reports: a timer there beats (so a wedged event loop stops beating) and
says whether the task consumer still consumes the queue (it stops after `cancel_consumer`, and while
the connection is being re-established). RabbitMQ's view of the queue stands in for the Kafka group:
its consumers are the members, its ready messages the lag. A repair, asked by the Watchdog, is done on
that same event loop: the queue is consumed again (`Consumer.add_task_queue`, what the `add_consumer`
control command does). A loop that cannot do it, because it is wedged or the re-add fails, leaves the
repair pending, and the Watchdog gives up: the process exits and the keeper restarts it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from celery import bootsteps
from kombu import Connection

from satmon_core.liveness import GroupView, LoopLiveness

__all__ = ["TICK_S", "QueueProbe", "queue_view", "queue_liveness", "QueueConsumerWatch", "liveness_step", "report_queue_lag"]

log = logging.getLogger(__name__)

# How often the event loop reports. Much shorter than POLL_BOUND_S, so only a loop that stopped
# running its timers is ever judged wedged; long enough to cost nothing.
TICK_S = 2.0


class QueueProbe:
    """Asks RabbitMQ about a queue (a passive declare) for the liveness rules and the lag.

    It keeps a connection of its own, so the consumer's is never touched from another thread and the
    broker does not see a new connection every few seconds; the Watchdog and the lag reporter share
    it, hence the lock. A failed question drops the connection and the next one opens another."""

    def __init__(self, amqp_url: str, queue: str, timeout: float = 5.0) -> None:
        self.amqp_url, self.queue, self.timeout = amqp_url, queue, timeout
        self._connection: Connection | None = None
        self._channel = None
        self._lock = threading.Lock()

    def __call__(self) -> GroupView | None:
        """The queue's consumers (members) and ready messages (lag); None while RabbitMQ cannot say."""
        with self._lock:
            try:
                if self._channel is None:
                    # Socket timeouts bound every answer (a broker that accepts but never answers must
                    # not hold the Watchdog's thread); its own channel, because kombu's default channel
                    # reconnects without a limit.
                    self._connection = Connection(self.amqp_url, connect_timeout=self.timeout,
                                                  transport_options={"read_timeout": self.timeout,
                                                                     "write_timeout": self.timeout})
                    self._connection.ensure_connection(max_retries=0)  # no retries: the next round asks again
                    self._channel = self._connection.channel()
                declared = self._channel.queue_declare(queue=self.queue, passive=True)
                return GroupView(members=declared.consumer_count, lag=declared.message_count)
            except Exception as exc:  # noqa: BLE001 - any failure to ask means "unknown", never "stalled"
                log.info("queue %s: cannot ask RabbitMQ about it now: %s", self.queue, exc)
                self.close()
                return None

    def close(self) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None:
            try:
                connection.release()
            except Exception as exc:  # noqa: BLE001 - a broken connection may fail to close; it is dropped anyway
                log.info("queue %s: closing the probe's connection failed: %s", self.queue, exc)


def queue_view(amqp_url: str, queue: str, timeout: float = 5.0) -> GroupView | None:
    """One question about the queue, on a connection opened for it (for tests and tools)."""
    probe = QueueProbe(amqp_url, queue, timeout)
    try:
        return probe()
    finally:
        probe.close()


def queue_liveness(service: str, amqp_url: str, queue: str) -> LoopLiveness:
    """The liveness report of a worker consuming `queue`; its group is the queue."""
    return LoopLiveness(service, queue, group_view=QueueProbe(amqp_url, queue))


class QueueConsumerWatch:
    """Reports one queue's consumption from the worker's event loop, and repairs it there when asked.

    `consumer` is Celery's worker consumer (celery.worker.consumer.Consumer): its `task_consumer`
    (None while it reconnects) and `add_task_queue`."""

    def __init__(self, liveness: LoopLiveness, queue: str) -> None:
        self.liveness = liveness
        self.queue = queue
        self.running = False  # between the step's start and stop: the event loop is (meant to be) running

    def tick(self, consumer) -> None:
        """Runs on the consumer's event loop every TICK_S."""
        self.liveness.beat()
        if self.liveness.repair.is_set():
            if self._consuming(consumer):
                # Celery re-established its connection by itself (after a RabbitMQ outage longer than
                # the grace) between the Watchdog's ask and this tick: nothing to repair, nor to count.
                self.liveness.repair.clear()
            else:
                self._repair(consumer)
        self.liveness.holds(1 if self._consuming(consumer) else 0)

    def started(self) -> None:
        # Beat only: the task consumer starts consuming when the event loop starts, after every
        # step; a tick now would see it not consuming yet and "repair" what is not broken.
        self.running = True
        self.liveness.beat()

    def stopped(self) -> None:
        """The consumer stopped (connection lost, or shutting down): it consumes nothing now."""
        self.running = False
        self.liveness.holds(0)

    def broker_unreachable(self) -> None:
        """RabbitMQ cannot be asked about the queue. A consumer that stopped because of it is waiting
        for the broker (Celery retries the connection with its event loop stopped), not wedged: it
        beats on its behalf, so a long outage does not restart a healthy worker. Once RabbitMQ answers
        again the beats stop, and a consumer that has not reconnected within the bound is wedged."""
        if not self.running:
            self.liveness.beat()

    def _consuming(self, consumer) -> bool:
        task_consumer = consumer.task_consumer
        return task_consumer is not None and task_consumer.consuming_from(self.queue)

    def _repair(self, consumer) -> None:
        log.warning("worker: consuming %s again", self.queue)
        try:
            consumer.add_task_queue(self.queue)
        except Exception as exc:  # noqa: BLE001 - the repair stays pending; the Watchdog gives up in time
            log.warning("worker: consuming %s again failed: %s", self.queue, exc)
            return
        if self._consuming(consumer):
            self.liveness.repaired()


def liveness_step(watch: QueueConsumerWatch, every_s: float = TICK_S) -> type[bootsteps.StartStopStep]:
    """A consumer bootstep (add it with `app.steps['consumer'].add(...)`) that runs `watch.tick` on the
    consumer's timer from the moment the task consumer exists. With the pyamqp transport and the threads
    pool the consumer runs Celery's asynchronous event loop, and that timer is the loop's own (hub.timer):
    it fires only while the loop runs. Stopping the step (the connection was lost, or shutdown) cancels
    the timer."""

    class QueueLiveness(bootsteps.StartStopStep):
        requires = ("celery.worker.consumer.tasks:Tasks",)

        def __init__(self, parent, **kwargs) -> None:
            super().__init__(parent, **kwargs)
            self.entry = None

        def start(self, parent) -> None:
            watch.started()
            self.entry = parent.timer.call_repeatedly(every_s, watch.tick, (parent,))

        def stop(self, parent) -> None:
            if self.entry is not None:
                self.entry.cancel()
                self.entry = None
            watch.stopped()

        shutdown = stop

    return QueueLiveness


def report_queue_lag(watch: QueueConsumerWatch, view: Callable[[], GroupView | None], stopping: threading.Event,
                     every_s: float = 5.0) -> None:
    """Keeps the watched loop's lag at the queue's ready messages (the Kafka loops read theirs from
    their own fetches; a Celery consumer does not know its queue's depth, so it is asked from this
    thread), and tells the watch when RabbitMQ cannot be reached."""
    while not stopping.wait(every_s):
        seen = view()
        if seen is None:
            watch.broker_unreachable()
        else:
            watch.liveness.lag = seen.lag
