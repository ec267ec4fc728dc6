"""Flower: Celery's workers and tasks in a browser, behind the RabbitMQ user's password."""

from __future__ import annotations

import base64
import os
import urllib.request

from satmon_cli.stack.components.base import Component, which
from satmon_cli.stack.layout import HOST, Credentials, load_or_create_credentials, port, service_env

__all__ = ["FLOWER"]


def _auth() -> str:
    return f"{Credentials.RABBITMQ_USER}:{load_or_create_credentials().rabbitmq_password}"


def _ready() -> bool:
    request = urllib.request.Request(f"http://{HOST}:{port('flower')}/healthcheck", headers={
        "Authorization": "Basic " + base64.b64encode(_auth().encode()).decode()})
    with urllib.request.urlopen(request, timeout=2) as resp:
        return resp.status == 200


FLOWER = Component(
    name="flower",
    ports=("flower",),
    executables=lambda: [("flower (pip, in .venv)", which("celery"))],
    argv=lambda: [which("celery"), "flower", f"--address={HOST}", f"--port={port('flower')}"],
    # Secrets through the environment, not the command line that `ps` shows.
    env=lambda: {**os.environ, "CELERY_BROKER_URL": service_env()["SATMON_AMQP_URL"],
                 "FLOWER_BASIC_AUTH": _auth(), "FLOWER_PERSISTENT": "False"},
    ready=_ready,
    kind="service",
    endpoint=lambda: (f"http://{HOST}:{port('flower')}/ (Flower: Celery workers and tasks; user "
                      f"{Credentials.RABBITMQ_USER}, password RABBITMQ_PASSWORD in credentials.env)"),
)
