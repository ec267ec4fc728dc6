"""A throwaway PostgreSQL, started alone by the stack's own code: `satmon up postgres` runs initdb,
starts the server in its own session (as the `postgres` user when we are root, through setpriv),
creates the login and the service roles, and applies db/migrations; `satmon down postgres` stops it
by its PID file. Its state lives in a folder of its own and it listens on a free port, so it never
meets a developer's stack or the test session's full one."""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

from satmon_cli.stack.components import delete_state
from satmon_core.postgres import ServiceRole, dsn_as

__all__ = ["PostgresServer", "throwaway_postgres"]


@dataclass(frozen=True)
class PostgresServer:
    dsn: str  # the stack's login role: it owns the tables and may take every service role

    def as_role(self, role: ServiceRole) -> str:
        """The DSN the service owning `role` connects with, limited to that role's grants."""
        return dsn_as(self.dsn, role)

    def empty_tables(self) -> None:
        """Every table but the migrations' record emptied, identities restarted: each test starts clean."""
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            tables = [row[0] for row in conn.execute(
                "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'schema_migrations'")]
            conn.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _satmon(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "satmon_cli.main", *args], env=env, capture_output=True, text=True,
                          timeout=180)


def _exported(output: str, name: str) -> str:
    """A value from `satmon env`'s `export NAME='value'` lines."""
    for line in output.splitlines():
        key, _, value = line.removeprefix("export ").partition("=")
        if key == name:
            return shlex.split(value)[0]
    raise KeyError(name)


@contextmanager
def throwaway_postgres(home: Path) -> Iterator[PostgresServer]:
    """PostgreSQL with the current schema, its state under `home`; stopped and deleted on exit."""
    env = {**os.environ, "SATMON_HOME": str(home), "SATMON_PORT_POSTGRES": str(_free_port()),
           "OTEL_TRACES_EXPORTER": "none"}
    try:
        up = _satmon(env, "up", "postgres")
        if up.returncode != 0:
            raise RuntimeError(f"satmon up postgres failed: {up.stderr.strip() or up.stdout.strip()}")
        yield PostgresServer(_exported(_satmon(env, "env").stdout, "SATMON_PG_DSN"))
    finally:
        _satmon(env, "down", "postgres")
        delete_state(home)  # with the server's data, which lives outside `home` when we are root
