"""Ports, credentials and the environment the local stack's services share.

Ports sit away from the usual defaults so a system PostgreSQL or RabbitMQ on
the same machine does not collide with ours, and below Linux's ephemeral range
(32768+) so an outgoing connection never holds one of them, even with the test
suites' +2000 and +3000 shifts; each can be moved with
SATMON_PORT_<NAME>, for example SATMON_PORT_POSTGRES=25432.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from satmon_core.paths import data_dir, state_dir

__all__ = ["PORTS", "port", "Credentials", "load_or_create_credentials", "service_env", "HOST", "SCALABLE",
           "MAX_REPLICAS", "replica_name", "read_scale", "write_scale", "replica_ports"]

HOST = "127.0.0.1"

PORTS: dict[str, int] = {
    "postgres": 15432,
    "victoria-metrics": 18428,
    "epmd": 14369,
    "rabbitmq": 15673,
    "rabbitmq-dist": 25673,
    "rabbitmq-management": 15672,
    "kafka": 19092,
    "kafka-controller": 19093,
    "inference-server": 18001,
    "inference-server-metrics": 18002,
    "inference-server-http": 18000,
    "router": 7051,
    "scheduler": 7052,
    "worker": 7053,
    "writer": 7054,
    "ops-api": 7055,
    "notifier": 7056,
    "flower": 15555,
    "envoy": 8080,
    "envoy-admin": 9901,
}

# Prometheus metrics of our own services: the gRPC port + 100.
METRICS_OFFSET = 100

# Services that run as several processes (`satmon up --scale scheduler=2`): Kafka consumer groups
# and Celery workers share the work. Replica k of a service is named "<service>-k" and listens
# (k - 1) * REPLICA_PORT_STEP above the service's own port.
SCALABLE = ("router", "scheduler", "worker", "writer", "ops-api")
# satmon's own processes, each with gRPC health and Prometheus metrics; the notifier runs once.
OWN_SERVICES = (*SCALABLE, "notifier")
MAX_REPLICAS = 9
REPLICA_PORT_STEP = 10


def port(name: str) -> int:
    override = os.environ.get(f"SATMON_PORT_{name.upper().replace('-', '_')}")
    if override:
        return int(override)
    if name in PORTS:
        return PORTS[name]
    service, _, replica = name.rpartition("-")
    if service in SCALABLE and replica.isdigit() and 2 <= int(replica) <= MAX_REPLICAS:
        return port(service) + REPLICA_PORT_STEP * (int(replica) - 1)
    raise KeyError(name)


def replica_name(service: str, replica: int) -> str:
    return service if replica == 1 else f"{service}-{replica}"


def read_scale() -> dict[str, int]:
    """Processes per scalable service, as the last `satmon up --scale` left it (1 when unset)."""
    path = state_dir() / "scale.json"
    saved = json.loads(path.read_text()) if path.exists() else {}
    return {service: int(saved.get(service, 1)) for service in SCALABLE}


def write_scale(scale: dict[str, int]) -> None:
    path = state_dir() / "scale.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(scale, indent=2, sort_keys=True) + "\n")


def replica_ports(service: str) -> list[int]:
    """The gRPC ports of every process of a service at its current scale."""
    return [port(replica_name(service, k)) for k in range(1, read_scale().get(service, 1) + 1)]


@dataclass(frozen=True)
class Credentials:
    pg_admin_password: str
    pg_app_password: str
    rabbitmq_password: str

    PG_ADMIN = "satmon_admin"
    PG_APP = "satmon"
    PG_DATABASE = "satmon"
    RABBITMQ_USER = "satmon"
    RABBITMQ_VHOST = "satmon"


def load_or_create_credentials() -> Credentials:
    """Random passwords generated on the first `satmon up`, kept in .satmon/ (mode 600)."""
    path = state_dir() / "credentials.env"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Hex: a url-safe token can start with "-", which rabbitmqctl reads as an option.
        values = {k: secrets.token_hex(18) for k in ("PG_ADMIN_PASSWORD", "PG_APP_PASSWORD", "RABBITMQ_PASSWORD")}
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.writelines(f"{k}={v}\n" for k, v in values.items())
    values = dict(line.strip().split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return Credentials(values["PG_ADMIN_PASSWORD"], values["PG_APP_PASSWORD"], values["RABBITMQ_PASSWORD"])


def service_env(creds: Credentials | None = None) -> dict[str, str]:
    """The SATMON_* variables that point a service or a test at the local stack."""
    creds = creds or load_or_create_credentials()
    return {
        "SATMON_KAFKA_BOOTSTRAP": f"{HOST}:{port('kafka')}",
        "SATMON_AMQP_URL": (f"amqp://{Credentials.RABBITMQ_USER}:{creds.rabbitmq_password}"
                            f"@{HOST}:{port('rabbitmq')}/{Credentials.RABBITMQ_VHOST}"),
        "SATMON_PG_DSN": (f"postgresql://{Credentials.PG_APP}:{creds.pg_app_password}"
                          f"@{HOST}:{port('postgres')}/{Credentials.PG_DATABASE}"),
        "SATMON_VM_URL": f"http://{HOST}:{port('victoria-metrics')}",
        "SATMON_TRITON_URL": f"{HOST}:{port('inference-server')}",
        "SATMON_DATA_DIR": str(data_dir()),
    }


def run_dir() -> Path:
    path = state_dir() / "run"
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    path = state_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path
