"""Versioned schema migrations: db/migrations/NNNN_name.sql, applied once each, in order."""

from __future__ import annotations

from pathlib import Path

import psycopg

from satmon_core.paths import repo_root

__all__ = ["apply_migrations", "migration_files"]


def migration_files() -> list[Path]:
    return sorted((repo_root() / "db" / "migrations").glob("[0-9][0-9][0-9][0-9]_*.sql"))


def apply_migrations(dsn: str) -> list[str]:
    """Applies pending migrations, each in its own transaction. Returns the versions applied."""
    applied: list[str] = []
    with psycopg.connect(dsn) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                     "version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())")
        conn.commit()
        done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
        for path in migration_files():
            version = path.stem
            if version in done:
                continue
            with conn.transaction():
                conn.execute(path.read_text())
                conn.execute("INSERT INTO schema_migrations (version) VALUES (%s)", (version,))
            applied.append(version)
    return applied
