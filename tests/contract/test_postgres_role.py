"""The database roles, against real PostgreSQL: compose's role script gives the services' login rows
and nothing else, and each service's own role may write only the tables that service owns."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from satmon_cli.stack.components.postgres import admin_dsn, pg_bin
from satmon_cli.stack.layout import HOST, Credentials, load_or_create_credentials, port
from satmon_core.migrations import apply_migrations
from satmon_core.postgres import ServiceRole, dsn_as

pytestmark = pytest.mark.stack

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "postgres" / "10-satmon-app-role.sh"


def test_the_services_role_may_write_rows_but_not_change_the_schema(stack):
    suffix = uuid.uuid4().hex[:8]
    database, role, password = f"satmon_roles_{suffix}", f"satmon_app_{suffix}", uuid.uuid4().hex
    admin = load_or_create_credentials()
    with psycopg.connect(admin_dsn(), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    try:
        env = {**os.environ, "PATH": f"{Path(pg_bin('psql')).parent}:{os.environ['PATH']}", "PGHOST": HOST,
               "PGPORT": str(port("postgres")), "PGPASSWORD": admin.pg_admin_password,
               "POSTGRES_USER": Credentials.PG_ADMIN, "POSTGRES_DB": database,
               "SATMON_DB_USER": role, "SATMON_DB_PASSWORD": password}
        result = subprocess.run(["sh", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        apply_migrations(admin_dsn(database))  # as the schema owner, as compose's init job does
        dsn = f"postgresql://{role}:{password}@{HOST}:{port('postgres')}/{database}"
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("INSERT INTO satellites (satellite_id) VALUES ('SAT-ROLE')")
            assert conn.execute("SELECT count(*) FROM satellites").fetchone()[0] == 1
            conn.execute("DELETE FROM satellites")
            # The script made the login a member of every service role, so each service can take its own.
            conn.execute("SET ROLE satmon_ops")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("DELETE FROM inference_jobs")
            conn.execute("RESET ROLE")
            for statement in ("CREATE TABLE intruder (x int)", "DROP TABLE satellites",
                              "ALTER TABLE alerts ADD COLUMN x int", "CREATE ROLE other"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(statement)
    finally:
        with psycopg.connect(admin_dsn(), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


# Who may write each table (db/migrations/0006_table_owners.sql, 0010_alarm_lifecycle.sql, 0013). "admin" is the login role the
# CLI uses for the fleet registry and tokens; no service role writes those.
OWNERS = {
    "inference_jobs": "satmon_writer", "subsystem_inferences": "satmon_writer",
    "job_window_scores": "satmon_writer", "detector_alerts": "satmon_writer", "detector_states": "satmon_writer",
    "ground_truth_streams": "satmon_writer", "ground_truth_sequences": "satmon_writer",
    "alert_acknowledgements": "satmon_ops", "alert_resolutions": "satmon_ops",
    "alert_lifecycle": "satmon_ops", "alert_changes": "satmon_ops", "missed_anomalies": "satmon_ops",
    "notification_events": "satmon_writer", "notification_routings": "satmon_notifier",
    "notification_deliveries": "satmon_notifier", "notification_messages": "satmon_notifier",
    "satellites": "admin", "api_tokens": "admin", "schema_migrations": "admin",
}


def test_each_table_has_one_owner_among_the_services_and_every_service_reads_all(stack):
    roles = [r.value for r in ServiceRole]
    with psycopg.connect(stack["SATMON_PG_DSN"]) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        assert sorted(OWNERS) == tables, "a table without a declared owner, or a declared one that is gone"
        for table in tables:
            writers = {role for role in roles if any(
                conn.execute("SELECT has_table_privilege(%s, %s, %s)", (role, table, verb)).fetchone()[0]
                for verb in ("INSERT", "UPDATE", "DELETE"))}
            assert writers == ({OWNERS[table]} - {"admin"}), (table, writers)
            assert all(conn.execute("SELECT has_table_privilege(%s, %s, 'SELECT')", (role, table)).fetchone()[0]
                       for role in roles), table
        assert conn.execute("SELECT count(*) FROM alerts").fetchone() is not None  # the operators' view


def test_a_service_cannot_write_a_table_another_service_owns(stack):
    dsn = stack["SATMON_PG_DSN"]
    with psycopg.connect(dsn_as(dsn, ServiceRole.OPS), autocommit=True) as conn:
        assert conn.execute("SELECT current_user").fetchone()[0] == "satmon_ops"
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE detector_alerts SET state = 'closed'")
    with psycopg.connect(dsn_as(dsn, ServiceRole.SCHEDULER), autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO inference_jobs (job_id, satellite_id, source, status) "
                         "VALUES ('intruder', 'SAT-001', 'manual', 'pending')")
    with psycopg.connect(dsn_as(dsn, ServiceRole.WRITER), autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO alert_resolutions (alert_id, operator) VALUES (1, 'writer')")


def test_splitting_alerts_from_operators_actions_keeps_what_operators_saw(stack):
    """Migration 0006 on a database holding alerts in every state: the `alerts` view shows each one as
    the table did before (state, who acknowledged, comment, when), now from two owners' tables."""
    from satmon_core.migrations import migration_files

    database = f"satmon_upgrade_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_dsn(), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    try:
        with psycopg.connect(admin_dsn(database)) as conn:
            before_split = [f for f in migration_files() if f.stem < "0006"]
            for path in before_split:
                conn.execute(path.read_text())
            cases = {  # state, acknowledged_by, comment, acknowledged_at, resolved_at, closed_at
                "open": ("open", None, None, None, None, None),
                "acknowledged": ("acknowledged", "ann", "looking", "2026-01-01Z", None, None),
                "closed after an acknowledgement": ("closed", "bob", "hm", "2026-01-02Z", None, "2026-01-03Z"),
                "resolved unacknowledged": ("resolved", "cat", "fixed", None, "2026-01-04Z", None),
                "resolved after an acknowledgement": ("resolved", "dan", "first", "2026-01-05Z", "2026-01-06Z",
                                                      "2026-01-05Z")}
            ids = {name: conn.execute(
                "INSERT INTO alerts (satellite_id, subsystem, model_name, start_time, end_time, peak_score, state, "
                "acknowledged_by, comment, acknowledged_at, resolved_at, closed_at, start_sequence, end_sequence, "
                "stream_start) VALUES ('SAT-001', 'acs', 'SMAP_A-1', now(), now(), 1, %s, %s, %s, %s, %s, %s, 1, 2, "
                "now()) RETURNING alert_id", values).fetchone()[0] for name, values in cases.items()}
            conn.execute("INSERT INTO alert_acknowledgements (alert_id, operator, comment, acknowledged_at) "
                         "VALUES (%s, 'dan', 'first', '2026-01-05Z')", (ids["resolved after an acknowledgement"],))
            seen = "SELECT state, acknowledged_by, comment, acknowledged_at, resolved_at FROM alerts WHERE alert_id = %s"
            before = {name: conn.execute(seen, (i,)).fetchone() for name, i in ids.items()}
            conn.execute(next(f for f in migration_files() if f.stem.startswith("0006")).read_text())
            after = {name: conn.execute(seen, (i,)).fetchone() for name, i in ids.items()}
        assert after == before
        assert {row[0] for row in before.values()} == {"open", "acknowledged", "closed", "resolved"}
    finally:
        with psycopg.connect(admin_dsn(), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))
