"""Retention: completed jobs are kept 30 days, failed jobs 7, by default."""

from __future__ import annotations

import psycopg

__all__ = ["delete_expired_jobs"]


def delete_expired_jobs(conn: psycopg.Connection, completed_days: int = 30, failed_days: int = 7) -> tuple[int, int]:
    """Deletes expired jobs (their subsystem rows cascade). Returns (completed, failed) counts."""
    with conn.transaction():
        completed = conn.execute(
            "DELETE FROM inference_jobs WHERE status = 'completed' AND coalesce(completed_at, created_at) "
            "< now() - make_interval(days => %s)", (completed_days,)).rowcount
        failed = conn.execute(
            "DELETE FROM inference_jobs WHERE status = 'failed' AND coalesce(completed_at, created_at) "
            "< now() - make_interval(days => %s)", (failed_days,)).rowcount
    return completed, failed
