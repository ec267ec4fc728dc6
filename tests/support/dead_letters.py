"""Producing bad payloads and collecting their dead letters (by a fresh key marker)."""

from __future__ import annotations

import time
import uuid

from confluent_kafka import Consumer

from satmon_core.kafka import consumer_config, make_producer

__all__ = ["dead_letters"]


def dead_letters(settings, topic: str, bad: dict[str, bytes]) -> dict[str, dict[str, bytes]]:
    """Produces each payload to `topic` keyed by a fresh marker and its case, then returns the
    headers of the dead letters that carry those keys, by case, once all are found or a minute
    has passed."""
    marker = uuid.uuid4().hex
    producer = make_producer(settings.kafka_bootstrap)
    for case, payload in bad.items():
        producer.produce(topic, key=f"{marker}-{case}".encode(), value=payload)
    producer.flush(10)
    consumer = Consumer(consumer_config(settings.kafka_bootstrap, f"test-dlq-{marker}"))
    consumer.subscribe([settings.dead_letter_topic])
    found: dict[str, dict[str, bytes]] = {}
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and len(found) < len(bad):
            for msg in consumer.consume(100, 1.0):
                if not msg.error() and (msg.key() or b"").startswith(marker.encode()):
                    found[msg.key().decode().split("-", 1)[1]] = dict(msg.headers() or [])
    finally:
        consumer.close()
    return found
