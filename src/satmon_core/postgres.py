"""PostgreSQL plumbing shared by the services: pools that fail fast, and outages as TransientError.

A consumer that meets a PostgreSQL outage must hold its input and retry, not die and not drop the
input; every store that a consume loop or a Celery task calls maps the outage to TransientError
here, once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from satmon_core.errors import TransientError

__all__ = ["make_pool", "postgres_outage_is_transient"]

# How long a caller waits for a pooled connection before the outage counts as transient.
POOL_TIMEOUT_S = 5.0


def make_pool(dsn: str, max_size: int, **connect_options: object) -> ConnectionPool:
    return ConnectionPool(dsn, min_size=1, max_size=max_size, open=True, timeout=POOL_TIMEOUT_S,
                          kwargs={"connect_timeout": 5, **connect_options})


@contextmanager
def postgres_outage_is_transient() -> Iterator[None]:
    """Turns PostgreSQL being away (refused, dropped, no pooled connection in time) into TransientError."""
    try:
        yield
    except (psycopg.OperationalError, PoolTimeout) as exc:
        raise TransientError(f"PostgreSQL: {exc}", reason="DATABASE_UNAVAILABLE") from exc
