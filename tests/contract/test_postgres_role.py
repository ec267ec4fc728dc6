"""compose's database role script, run against real PostgreSQL: the services' role reads and writes
rows of every migrated table and can change nothing else."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from satmon_cli.stack.components import _pg_admin_dsn, _pg_bin
from satmon_cli.stack.layout import HOST, Credentials, load_or_create_credentials, port
from satmon_core.migrations import apply_migrations

pytestmark = pytest.mark.stack

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "postgres" / "10-satmon-app-role.sh"


def test_the_services_role_may_write_rows_but_not_change_the_schema(stack):
    suffix = uuid.uuid4().hex[:8]
    database, role, password = f"satmon_roles_{suffix}", f"satmon_app_{suffix}", uuid.uuid4().hex
    admin = load_or_create_credentials()
    with psycopg.connect(_pg_admin_dsn(), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    try:
        env = {**os.environ, "PATH": f"{Path(_pg_bin('psql')).parent}:{os.environ['PATH']}", "PGHOST": HOST,
               "PGPORT": str(port("postgres")), "PGPASSWORD": admin.pg_admin_password,
               "POSTGRES_USER": Credentials.PG_ADMIN, "POSTGRES_DB": database,
               "SATMON_DB_USER": role, "SATMON_DB_PASSWORD": password}
        result = subprocess.run(["sh", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        apply_migrations(_pg_admin_dsn(database))  # as the schema owner, as compose's init job does
        dsn = f"postgresql://{role}:{password}@{HOST}:{port('postgres')}/{database}"
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("INSERT INTO satellites (satellite_id) VALUES ('SAT-ROLE')")
            assert conn.execute("SELECT count(*) FROM satellites").fetchone()[0] == 1
            conn.execute("DELETE FROM satellites")
            for statement in ("CREATE TABLE intruder (x int)", "DROP TABLE satellites",
                              "ALTER TABLE alerts ADD COLUMN x int", "CREATE ROLE other"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(statement)
    finally:
        with psycopg.connect(_pg_admin_dsn(), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
