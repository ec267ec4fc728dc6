"""The Celery application shared by the scheduler (sender) and the worker.

Durable queue, persistent messages, publisher confirms, acks_late and
reject-on-worker-lost: a task is removed from RabbitMQ only after the worker
finished it, and a worker killed mid-task gives it back to the queue.
"""

from __future__ import annotations

import base64

from celery import Celery
from kombu import Exchange, Queue

__all__ = ["make_celery", "SCORE_TASK", "QUEUE", "encode_payload", "decode_payload"]

SCORE_TASK = "satmon.score_windows"
QUEUE = "satmon.inference"


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
        task_queues=[Queue(QUEUE, Exchange(QUEUE, type="direct", durable=True), routing_key=QUEUE, durable=True)],
        task_routes={SCORE_TASK: {"queue": QUEUE, "routing_key": QUEUE}},
        broker_transport_options={"confirm_publish": True},
        broker_connection_retry_on_startup=True,
        worker_prefetch_multiplier=2,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
    )
    return app


def encode_payload(data: bytes) -> str:
    """Protobuf bytes travel inside Celery's JSON body as base64."""
    return base64.b64encode(data).decode("ascii")


def decode_payload(text: str) -> bytes:
    return base64.b64decode(text)
