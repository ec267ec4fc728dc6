"""One truth for windows (migration 0009, satmon_writer.domain.window_truth), in PostgreSQL: a stored
window is anomalous exactly when a model alert of its satellite and subsystem covers one of its fresh
rows, whichever of the two the writer stores first."""

from __future__ import annotations

from datetime import timedelta, timezone

import psycopg
import pytest

from satmon.detection.v1 import job_pb2
from satmon_core.postgres import ServiceRole
from satmon_writer.adapters.alerts import AlertStore
from satmon_writer.adapters.jobs import JobRecorder
from tests.support.job_records import T0, inference, job_update, window_score
from tests.unit.test_writer_detection import _results, _scores

pytestmark = pytest.mark.middle


@pytest.fixture
def recorder(db):
    store = JobRecorder(db.as_role(ServiceRole.WRITER))
    yield store
    store.close()


def _alert(db, start_s: float, end_s: float, kind: str = "model", subsystem: str = "acs") -> None:
    """An alert as the writer stores it, spanning records start_s .. end_s."""
    with psycopg.connect(db.as_role(ServiceRole.WRITER)) as conn:
        conn.execute("INSERT INTO detector_alerts (satellite_id, subsystem, model_name, start_time, end_time, "
                     "peak_score, kind, parameter) VALUES ('SAT-001', %s, 'SMAP_A-1', %s, %s, 1.0, %s, %s)",
                     (subsystem, T0 + timedelta(seconds=start_s), T0 + timedelta(seconds=end_s), kind,
                      "battery_voltage" if kind == "limit" else None))


def _flags(db, table: str = "subsystem_inferences") -> dict[tuple[str, str, int], bool]:
    with psycopg.connect(db.dsn) as conn:
        rows = conn.execute(f"SELECT job_id, subsystem, start_sequence, anomaly_detected FROM {table}").fetchall()
    return {(job, subsystem, start): flag for job, subsystem, start, flag in rows}


def test_a_window_stored_under_an_alert_is_anomalous_only_when_the_alert_covers_its_fresh_rows(db, recorder):
    _alert(db, 100, 105)
    # Windows are 30 records; a later window's fresh rows are its newest 10 (a stride).
    recorder.record([job_update(f"w{start}", inferences=[inference(start)], created_s=start)
                     for start in (60, 80, 90)])
    assert _flags(db) == {
        ("w60", "acs", 60): False,  # ends (record 89) before the alert
        ("w80", "acs", 80): True,   # fresh rows 100..109 meet the alert
        ("w90", "acs", 90): False,  # covers the alert only with rows 90..109, scored fresh by earlier windows
    }


def test_a_streams_first_window_is_fresh_in_every_row(db, recorder):
    _alert(db, 3, 5)
    recorder.record([job_update("first", inferences=[inference(0)]), job_update("second", inferences=[inference(10)])])
    assert _flags(db) == {("first", "acs", 0): True, ("second", "acs", 10): False}


def test_a_manual_jobs_windows_are_anomalous_when_the_alert_meets_any_of_their_rows(db, recorder):
    _alert(db, 100, 105)
    recorder.record([job_update("manual", source=job_pb2.JOB_SOURCE_MANUAL,
                                windows=[window_score(start) for start in (60, 80, 90, 110)])])
    assert _flags(db, "job_window_scores") == {("manual", "acs", 60): False, ("manual", "acs", 80): True,
                                               ("manual", "acs", 90): True, ("manual", "acs", 110): False}


def test_limit_alerts_and_other_subsystems_alerts_mark_no_window(db, recorder):
    _alert(db, 0, 1000, kind="limit")
    _alert(db, 0, 1000, subsystem="power")
    recorder.record([job_update("w", inferences=[inference(80)])])
    assert _flags(db) == {("w", "acs", 80): False}


def test_the_workers_own_judgement_of_a_window_is_not_the_truth(db, recorder):
    scored_high = inference(80, score=99.0)
    recorder.record([job_update("w", inferences=[scored_high], windows=[window_score(80, score=99.0)])])
    assert _flags(db) == {("w", "acs", 80): False}


# --- the detector's alerts and the stored windows, in either order ----------------------------------

def _stored_window(result):
    """The job the worker reports for a stream window (what the writer's jobs consumer records)."""
    summary = job_pb2.SubsystemInference(subsystem=result.subsystem, model_name=result.model_name,
                                         start_sequence=result.start_sequence, anomaly_score=0.0, threshold=0.5,
                                         window_start_time=result.sample_times[0],
                                         window_end_time=result.sample_times[-1])
    return job_update(result.job_id, satellite_id=result.satellite_id, inferences=[summary])


def test_windows_stored_before_or_after_an_alert_grows_over_them_end_with_the_same_truth(db, recorder):
    results = _results(_scores())
    alerts = AlertStore(db.as_role(ServiceRole.WRITER))
    try:
        for i in range(0, len(results), 25):
            batch = results[i:i + 25]
            # The jobs and the results consumers run apart: either may store a batch first.
            if (i // 25) % 2:
                recorder.record([_stored_window(r) for r in batch])
                alerts.record(batch)
            else:
                alerts.record(batch)
                recorder.record([_stored_window(r) for r in batch])
    finally:
        alerts.close()
    with psycopg.connect(db.dsn) as conn:
        spans = conn.execute("SELECT start_time, end_time FROM detector_alerts").fetchall()
    assert len(spans) == 1, "the scores hold one anomaly"
    expected = {}
    for r in results:
        times = [t.ToDatetime(tzinfo=timezone.utc) for t in r.sample_times]
        fresh = times[0] if r.start_sequence < 10 else times[20]
        expected[(r.job_id, "acs", r.start_sequence)] = any(s <= times[-1] and e >= fresh for s, e in spans)
    assert sum(expected.values()) >= 3
    assert _flags(db) == expected
