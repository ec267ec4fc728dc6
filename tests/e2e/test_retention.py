"""Retention deletes completed jobs after 30 days and failed jobs after 7, and nothing younger."""

from __future__ import annotations

import subprocess
import sys
import uuid

import psycopg
import pytest

from satmon_core.config import load_settings

pytestmark = pytest.mark.stack


def test_retention_command_deletes_only_expired_jobs(stack):
    tag = uuid.uuid4().hex[:8]
    ages = {"completed": (31, 29), "failed": (8, 6)}
    with psycopg.connect(load_settings().pg_dsn) as conn:
        for status, days in ages.items():
            for age in days:
                job = f"retention-{tag}-{status}-{age}"
                conn.execute("INSERT INTO inference_jobs (job_id, satellite_id, source, status, created_at, completed_at) "
                             "VALUES (%s, 'SAT-001', 'manual', %s, now() - make_interval(days => %s), "
                             "now() - make_interval(days => %s))", (job, status, age, age))
                conn.execute("INSERT INTO subsystem_inferences (job_id, subsystem, model_name, status) "
                             "VALUES (%s, 'acs', 'SMAP_A-1', %s)", (job, status))
        conn.commit()
    result = subprocess.run([sys.executable, "-m", "satmon_cli.main", "retention"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    with psycopg.connect(load_settings().pg_dsn) as conn:
        left = {r[0] for r in conn.execute("SELECT job_id FROM inference_jobs WHERE job_id LIKE %s", (f"retention-{tag}%",))}
        orphans = conn.execute("SELECT count(*) FROM subsystem_inferences WHERE job_id LIKE %s AND job_id <> ALL(%s)",
                               (f"retention-{tag}%", list(left))).fetchone()[0]
    assert left == {f"retention-{tag}-completed-29", f"retention-{tag}-failed-6"}
    assert orphans == 0
