"""The servers' settings that compose.yaml sets too, in one place: the local stack builds its Kafka,
PostgreSQL and VictoriaMetrics command lines from these, and `tests/unit/test_compose_flags.py` fails
when compose.yaml's differ (YAML cannot import them). Settings only the local stack needs (loopback
addresses, state paths, VictoriaMetrics' read-after-write flags for replays and tests) stay in the
component's own module."""

from __future__ import annotations

__all__ = ["KAFKA_PROPERTIES", "POSTGRES_SETTINGS", "VICTORIA_METRICS_FLAGS", "kafka_environment_name"]

# server.properties entries (compose: the apache/kafka image's KAFKA_* variables, kafka_environment_name).
KAFKA_PROPERTIES: dict[str, str] = {
    # One node: every internal topic has one replica.
    "offsets.topic.replication.factor": "1",
    "transaction.state.log.replication.factor": "1",
    "transaction.state.log.min.isr": "1",
    "share.coordinator.state.topic.replication.factor": "1",
    "share.coordinator.state.topic.min.isr": "1",
    # Topics are created by `satmon up` (compose: `satmon init`) with their partition counts, never by a typo.
    "auto.create.topics.enable": "false",
    # Consumers join at once instead of waiting for more members (one node, few groups).
    "group.initial.rebalance.delay.ms": "0",
    # Telemetry is replayable from the raw topic for a day; results feed the detector's rebuilds.
    "log.retention.hours": "24",
    "log.segment.bytes": "268435456",
}

# `postgres -c NAME=VALUE` settings.
POSTGRES_SETTINGS: dict[str, str] = {
    # Every service process keeps a pool, and scaled services multiply them.
    "max_connections": "200",
    # An acknowledged alert or job state survives a crash of the server (the fault tests count on it).
    "synchronous_commit": "on",
}

VICTORIA_METRICS_FLAGS: tuple[str, ...] = (
    "-retentionPeriod=90d",
    # Redelivered samples carry the same timestamp; dedup makes the writer idempotent.
    "-dedup.minScrapeInterval=1ms",
)


def kafka_environment_name(property_name: str) -> str:
    """The apache/kafka image's variable for a server property: KAFKA_ and the name in capitals, dots
    as underscores (an underscore in the name would be two, a dash three; none of ours has either)."""
    return "KAFKA_" + property_name.replace("_", "__").replace("-", "___").replace(".", "_").upper()
