"""No silent stalls: when PostgreSQL drops a store's connection, or a batch fails before it commits,
the store says so (TransientError, so the consume loop holds the batch and retries) and the retried
batch ends exactly as an uninterrupted one."""

from __future__ import annotations

import psycopg
import pytest

from satmon_core.errors import TransientError
from satmon_core.postgres import ServiceRole
from satmon_writer.adapters.alerts import AlertStore
from satmon_writer.adapters.jobs import JobRecorder
from satmon_writer.adapters.limit_alerts import LimitAlertStore
from satmon_writer.domain.limits import Level, LimitEvent
from tests.integration.test_alert_store_postgres import _batches, _recorded_uninterrupted, _snapshot
from tests.support.job_records import inference, job_update
from tests.unit.test_writer_detection import _results, _scores

pytestmark = pytest.mark.middle


def _drop_connections(db) -> int:
    """What a PostgreSQL restart does to the stores' pooled connections: terminates every other session."""
    with psycopg.connect(db.dsn, autocommit=True) as conn:
        return len(conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                                "current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                                ).fetchall())


def _without_ids(snapshot: tuple[list, list]) -> tuple[list, list]:
    """Alerts and checkpoints without alert ids: a rolled-back insert still uses up its sequence value."""
    alerts, states = snapshot
    return [a[1:] for a in alerts], [(*s[:4], s[4] is not None) for s in states]


def test_a_dropped_connection_is_transient_and_the_retried_batch_is_recorded_once(db):
    recorder = JobRecorder(db.as_role(ServiceRole.WRITER))
    try:
        recorder.record([job_update("before", inferences=[inference(0)])])
        assert _drop_connections(db) >= 1
        batch = [job_update("during", inferences=[inference(10)])]
        with pytest.raises(TransientError) as caught:
            recorder.record(batch)
        assert caught.value.reason == "DATABASE_UNAVAILABLE"
        recorder.record(batch)  # the consume loop's retry gets a fresh connection from the pool
        recorder.record(batch)
    finally:
        recorder.close()
    with psycopg.connect(db.dsn) as conn:
        assert conn.execute("SELECT job_id, count(*) FROM subsystem_inferences GROUP BY 1 ORDER BY 1").fetchall() == [
            ("before", 1), ("during", 1)]


def test_a_limit_batch_after_a_dropped_connection_raises_its_alert_once(db):
    store = LimitAlertStore(db.as_role(ServiceRole.WRITER))
    raised = LimitEvent("raised", "SAT-001", "eps", "battery_voltage", Level.WARNING, 26.0, 26.4,
                        1_700_000_000 * 10**9, 5)
    try:
        store.open_levels()  # the pool holds a connection
        _drop_connections(db)
        with pytest.raises(TransientError):
            store.apply([raised])
        assert store.apply([raised]) == [1]
        assert store.apply([raised]) == []
    finally:
        store.close()


def test_a_batch_whose_flags_cannot_be_published_commits_nothing_and_its_retry_ends_as_if_uninterrupted(db):
    batches = _batches(_results(_scores()))
    opening = 59  # the batch that opens the alert (test_alert_store_postgres)

    def unreachable(lines: list[str]) -> None:
        raise TransientError("VictoriaMetrics unreachable", reason="VICTORIA_UNAVAILABLE")

    store = AlertStore(db.as_role(ServiceRole.WRITER))
    try:
        for batch in batches[:opening]:
            store.record(batch)
        before = _snapshot(db)
        with pytest.raises(TransientError):
            store.record(batches[opening], publish_flags=unreachable)
        assert _snapshot(db) == before, "nothing of the failed batch is committed"
        for batch in batches[opening:]:  # the batch again, then the rest
            store.record(batch)
    finally:
        store.close()
    interrupted = _snapshot(db)

    assert len(interrupted[0]) == 1 and _without_ids(interrupted) == _without_ids(_recorded_uninterrupted(db, batches))
