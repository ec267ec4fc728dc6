"""PostgreSQL plumbing shared by the services: pools that fail fast, and outages as TransientError.

A consumer that meets a PostgreSQL outage must hold its input and retry, not die and not drop the
input; every store that a consume loop or a Celery task calls maps the outage to TransientError
here, once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg_pool import ConnectionPool, PoolTimeout

from satmon_core.errors import TransientError

__all__ = ["ServiceRole", "dsn_as", "make_pool", "postgres_outage_is_transient", "as_columns"]

# How long a caller waits for a pooled connection before the outage counts as transient.
POOL_TIMEOUT_S = 5.0


class ServiceRole(StrEnum):
    """The role each service works as (db/migrations/0006_table_owners.sql grants them): it may write
    only the tables it owns, so one service owns each table and the others read it."""

    WRITER = "satmon_writer"        # jobs (from the jobs topic), detector alerts and states, ground truth
    OPS = "satmon_ops"              # operators' acknowledgements and resolutions
    SCHEDULER = "satmon_scheduler"  # reads
    WORKER = "satmon_worker"        # reads
    ROUTER = "satmon_router"        # reads
    NOTIFIER = "satmon_notifier"    # notification deliveries and messages (db/migrations/0014)


def dsn_as(dsn: str, role: ServiceRole) -> str:
    """The DSN a service connects with: the login role is a member of every service role, and a
    role set at connection start leaves the session only that role's privileges."""
    return _with_option(dsn, f"-c role={role}")


def _with_option(dsn: str, option: str) -> str:
    params = conninfo_to_dict(dsn)
    params["options"] = f"{params.get('options', '')} {option}".strip()
    return make_conninfo(**params)


def make_pool(dsn: str, max_size: int, statement_timeout_ms: int | None = None) -> ConnectionPool:
    if statement_timeout_ms:
        dsn = _with_option(dsn, f"-c statement_timeout={statement_timeout_ms}")
    return ConnectionPool(dsn, min_size=1, max_size=max_size, open=True, timeout=POOL_TIMEOUT_S,
                          kwargs={"connect_timeout": 5})


@contextmanager
def postgres_outage_is_transient() -> Iterator[None]:
    """Turns PostgreSQL being away (refused, dropped, no pooled connection in time) into TransientError."""
    try:
        yield
    except (psycopg.OperationalError, PoolTimeout) as exc:
        raise TransientError(f"PostgreSQL: {exc}", reason="DATABASE_UNAVAILABLE") from exc


def as_columns(rows: list[tuple], width: int) -> list[list]:
    """Rows as columns: the arrays one `INSERT ... SELECT FROM unnest(...)` statement takes for a batch
    (one statement for the batch instead of one a row; every row `width` values long)."""
    return [list(column) for column in zip(*rows)] if rows else [[] for _ in range(width)]
