"""PostgreSQL: a cluster of the stack's own, its roles and database, and the migrations."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
from pathlib import Path

from satmon_cli.stack.components.base import Component, owned_dir, server_dir
from satmon_cli.stack.layout import HOST, Credentials, load_or_create_credentials, port, service_env
from satmon_cli.stack.server_flags import POSTGRES_SETTINGS

__all__ = ["POSTGRES", "pg_bin", "admin_dsn"]


def pg_bin(tool: str) -> str | None:
    """A PostgreSQL program: Debian keeps them under /usr/lib/postgresql/<version>/bin, off PATH."""
    matches = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"))
    return matches[-1] if matches else shutil.which(tool)


def _user() -> str | None:
    return "postgres" if os.geteuid() == 0 else None  # initdb refuses to run as root


def _dir() -> Path:
    return server_dir("postgres", _user())


def _prepare() -> None:
    data = _dir() / "data"
    owned_dir(_dir(), _user())
    if (data / "PG_VERSION").exists():
        return
    creds = load_or_create_credentials()
    pwfile = _dir() / "pwfile"
    pwfile.write_text(creds.pg_admin_password + "\n")
    if _user():
        shutil.chown(pwfile, _user(), _user())
    argv = [pg_bin("initdb"), "-D", str(data), "-U", Credentials.PG_ADMIN, f"--pwfile={pwfile}",
            "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "-E", "UTF8", "--no-instructions"]
    if _user():
        argv = ["setpriv", f"--reuid={_user()}", f"--regid={_user()}", "--init-groups", *argv]
    result = subprocess.run(argv, capture_output=True, text=True, cwd=_dir())
    pwfile.unlink(missing_ok=True)
    if result.returncode != 0:
        raise RuntimeError(f"initdb failed: {result.stderr.strip().splitlines()[-1:]}")


def admin_dsn(database: str = "postgres") -> str:
    """The administrator's connection (roles, databases, migrations; the services use their own role)."""
    creds = load_or_create_credentials()
    return f"postgresql://{Credentials.PG_ADMIN}:{creds.pg_admin_password}@{HOST}:{port('postgres')}/{database}"


def _ready() -> bool:
    import psycopg

    with psycopg.connect(admin_dsn(), connect_timeout=2) as conn:
        conn.execute("SELECT 1")
    return True


def _configure() -> None:
    import psycopg
    from psycopg import sql

    from satmon_core.migrations import apply_migrations
    from satmon_core.postgres import ServiceRole

    creds = load_or_create_credentials()
    with psycopg.connect(admin_dsn(), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (Credentials.PG_APP,)).fetchone()
        verb = "ALTER" if exists else "CREATE"
        conn.execute(sql.SQL(verb + " ROLE {} LOGIN PASSWORD {}").format(
            sql.Identifier(Credentials.PG_APP), sql.Literal(creds.pg_app_password)))
        # The services' roles (one owner per table: db/migrations/0006_table_owners.sql grants them);
        # the app login may take any of them, and each service takes its own.
        for role in ServiceRole:
            if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role.value,)).fetchone():
                conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role.value)))
            conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(role.value), sql.Identifier(Credentials.PG_APP)))
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (Credentials.PG_DATABASE,)).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(Credentials.PG_DATABASE), sql.Identifier(Credentials.PG_APP)))
    apply_migrations(service_env(creds)["SATMON_PG_DSN"])


def _argv() -> list[str]:
    settings = [arg for name, value in POSTGRES_SETTINGS.items() for arg in ("-c", f"{name}={value}")]
    return [pg_bin("postgres"), "-D", str(_dir() / "data"), "-c", f"listen_addresses={HOST}",
            "-c", f"port={port('postgres')}", "-c", "unix_socket_directories=",  # TCP only: deep state paths overflow the socket path limit
            *settings]


POSTGRES = Component(
    name="postgres",
    ports=("postgres",),
    executables=lambda: [("postgresql-15 (postgres, initdb)", pg_bin("postgres")), ("initdb", pg_bin("initdb"))],
    prepare=_prepare,
    argv=_argv,
    ready=_ready,
    configure=_configure,
    user=_user(),
    stop_signal=signal.SIGINT,  # PostgreSQL's "fast shutdown"
    endpoint=lambda: f"postgresql://{HOST}:{port('postgres')}/{Credentials.PG_DATABASE}",
)
