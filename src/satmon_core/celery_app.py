"""The Celery application shared by the scheduler (sender) and the worker.

Durable queue, persistent messages, publisher confirms, acks_late and
reject-on-worker-lost: a task is removed from RabbitMQ only after the worker
finished it, and a worker killed mid-task gives it back to the queue.

A task that fails for good (it can never succeed: an undecodable payload, a
bug) is rejected without requeue; the queue's dead-letter exchange moves it to
`satmon.inference.dead`, where it stays, counted in `satmon status`, instead
of vanishing. Infrastructure errors are TransientError and retried by the
task itself.
"""

from __future__ import annotations

import base64

from celery import Celery
from kombu import Exchange, Queue

__all__ = ["make_celery", "declare_dead_letter_queue", "SCORE_TASK", "QUEUE", "DEAD_LETTER_QUEUE",
           "encode_payload", "decode_payload"]

SCORE_TASK = "satmon.score_windows"
QUEUE = "satmon.inference"
DEAD_LETTER_QUEUE = "satmon.inference.dead"
_DEAD_LETTER_EXCHANGE = Exchange(DEAD_LETTER_QUEUE, type="direct", durable=True)


def make_celery(amqp_url: str) -> Celery:
    app = Celery("satmon", broker=amqp_url)
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=False,
        task_default_queue=QUEUE,
        task_default_delivery_mode="persistent",
        task_queues=[Queue(QUEUE, Exchange(QUEUE, type="direct", durable=True), routing_key=QUEUE, durable=True,
                           queue_arguments={"x-dead-letter-exchange": DEAD_LETTER_QUEUE,
                                            "x-dead-letter-routing-key": DEAD_LETTER_QUEUE})],
        task_routes={SCORE_TASK: {"queue": QUEUE, "routing_key": QUEUE}},
        broker_transport_options={"confirm_publish": True},
        broker_connection_retry_on_startup=True,
        worker_prefetch_multiplier=2,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
    )
    return app


def declare_dead_letter_queue(app: Celery) -> None:
    """Declares the dead-letter exchange and its queue (idempotent). The worker calls it before it
    consumes: RabbitMQ drops a dead-lettered message whose exchange does not exist."""
    with app.connection_for_write() as connection:
        Queue(DEAD_LETTER_QUEUE, _DEAD_LETTER_EXCHANGE, routing_key=DEAD_LETTER_QUEUE,
              durable=True)(connection.default_channel).declare()


def encode_payload(data: bytes) -> str:
    """Protobuf bytes travel inside Celery's JSON body as base64."""
    return base64.b64encode(data).decode("ascii")


def decode_payload(text: str) -> bytes:
    return base64.b64decode(text)
