"""The jobs the writer records (JobRecorder) and the queries every reader runs over them (JobQueries),
against PostgreSQL: each service connected as its own role, real SQL."""

from __future__ import annotations

from datetime import timedelta

import psycopg
import pytest

from satmon.detection.v1 import job_pb2
from satmon_core.errors import InvalidArgument
from satmon_core.job_queries import JobQueries, decode_page_token
from satmon_core.postgres import ServiceRole
from satmon_writer.adapters.jobs import JobRecorder
from tests.support.job_records import T0, at, inference, job_update, window_score

pytestmark = pytest.mark.middle

PENDING, PROCESSING = job_pb2.JOB_STATE_PENDING, job_pb2.JOB_STATE_PROCESSING
COMPLETED, FAILED = job_pb2.JOB_STATE_COMPLETED, job_pb2.JOB_STATE_FAILED
MANUAL, RULE, STREAM = job_pb2.JOB_SOURCE_MANUAL, job_pb2.JOB_SOURCE_RULE, job_pb2.JOB_SOURCE_STREAM


@pytest.fixture
def recorder(db):
    store = JobRecorder(db.as_role(ServiceRole.WRITER))
    yield store
    store.close()


@pytest.fixture
def queries(db):
    store = JobQueries(db.as_role(ServiceRole.SCHEDULER), max_size=2)
    yield store
    store.close()


def _count(db, table: str) -> int:
    with psycopg.connect(db.dsn) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


# --- recording: nothing doubled, nothing set back ---------------------------------------------------

def test_a_redelivered_batch_records_each_job_subsystem_and_window_once(db, recorder, queries):
    batch = [job_update("manual-1", source=MANUAL, inferences=[inference(0), inference(0, "power")],
                        windows=[window_score(0), window_score(10), window_score(20)]),
             job_update("stream-1", inferences=[inference(40)])]
    recorder.record(batch)
    recorder.record(batch)  # the consumer crashed before storing its offsets
    recorder.record(batch[:1])
    counts = [_count(db, table) for table in ("inference_jobs", "subsystem_inferences", "job_window_scores")]
    assert counts == [2, 3, 3]
    job = queries.get_job("manual-1")
    assert job.state == COMPLETED and [s.subsystem for s in job.subsystem_inferences] == ["acs", "power"]


def test_a_job_moves_from_pending_through_processing_to_completed(recorder, queries):
    recorder.record([job_update("j", PENDING, source=MANUAL)])
    assert queries.get_job("j").state == PENDING and not queries.get_job("j").HasField("complete_time")
    recorder.record([job_update("j", PROCESSING, source=MANUAL)])
    assert queries.get_job("j").state == PROCESSING
    recorder.record([job_update("j", COMPLETED, source=MANUAL, completed_s=9, inferences=[inference(0)])])
    job = queries.get_job("j")
    assert job.state == COMPLETED and job.complete_time == at(9) and len(job.subsystem_inferences) == 1


def test_a_late_pending_update_does_not_set_a_finished_job_back(recorder, queries):
    recorder.record([job_update("done", COMPLETED, completed_s=5), job_update("broken", FAILED, error="model missing")])
    recorder.record([job_update("done", PENDING), job_update("broken", PENDING)])
    assert queries.get_job("done").state == COMPLETED and queries.get_job("done").complete_time == at(5)
    assert queries.get_job("broken").state == FAILED and queries.get_job("broken").error_message == "model missing"


def test_a_finished_job_is_never_overwritten_by_another_outcome(recorder, queries):
    recorder.record([job_update("j", COMPLETED, completed_s=5)])
    recorder.record([job_update("j", FAILED, completed_s=8, error="late failure")])
    job = queries.get_job("j")
    assert (job.state, job.error_message, job.complete_time) == (COMPLETED, "", at(5))


def test_pending_and_outcome_in_one_batch_end_finished(recorder, queries):
    recorder.record([job_update("j", PENDING, source=MANUAL), job_update("j", COMPLETED, source=MANUAL)])
    assert queries.get_job("j").state == COMPLETED


def test_a_batch_applies_a_jobs_updates_in_their_order(db, recorder, queries):
    """One statement per table: the rows a job starts with come from its first update (a manual job's
    metadata rides on its PENDING), its state from its first outcome, or its last progress."""
    recorder.record([job_update("m", PENDING, source=MANUAL, metadata={"requested_by": "ops"}),
                     job_update("m", COMPLETED, source=MANUAL, completed_s=7, inferences=[inference(0)]),
                     job_update("m", FAILED, source=MANUAL, completed_s=9, error="late"),
                     job_update("p", PENDING), job_update("p", PROCESSING), job_update("p", COMPLETED, completed_s=4),
                     job_update("q", PROCESSING), job_update("q", PENDING),
                     job_update("s", COMPLETED, completed_s=3, inferences=[inference(10)]),
                     job_update("s", COMPLETED, completed_s=5, inferences=[inference(10)])])  # redelivered
    m = queries.get_job("m")
    assert (m.state, m.error_message, m.complete_time, len(m.subsystem_inferences)) == (COMPLETED, "", at(7), 1)
    with psycopg.connect(db.dsn) as conn:
        assert conn.execute("SELECT metadata FROM inference_jobs WHERE job_id = 'm'").fetchone()[0] == {"requested_by": "ops"}
    assert (queries.get_job("p").state, queries.get_job("p").complete_time) == (COMPLETED, at(4))
    assert queries.get_job("q").state == PROCESSING
    s = queries.get_job("s")
    assert (s.state, s.complete_time, len(s.subsystem_inferences)) == (COMPLETED, at(3), 1)


def test_a_pending_update_records_no_subsystem_rows(db, recorder):
    recorder.record([job_update("j", PENDING, inferences=[inference(0)], windows=[window_score(0)])])
    assert (_count(db, "subsystem_inferences"), _count(db, "job_window_scores")) == (0, 0)


def test_metadata_and_the_jobs_origin_are_kept(db, recorder, queries):
    recorder.record([job_update("j", PENDING, source=RULE, metadata={"requested_by": "ops"})])
    job = queries.get_job("j")
    assert (job.satellite_id, job.source) == ("SAT-001", RULE)
    with psycopg.connect(db.dsn) as conn:
        assert conn.execute("SELECT metadata FROM inference_jobs").fetchone()[0] == {"requested_by": "ops"}


def test_the_writer_role_may_record_jobs_but_a_reader_role_may_not(db):
    reader = JobRecorder(db.as_role(ServiceRole.SCHEDULER))
    try:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            reader.record([job_update("j")])
    finally:
        reader.close()


# --- reading ------------------------------------------------------------------------------------------

def test_a_job_reads_back_with_every_field_of_its_subsystem_rows(recorder, queries):
    recorder.record([job_update("j", created_s=2, completed_s=7, inferences=[inference(40, score=0.25)])])
    job = queries.get_job("j")
    (row,) = job.subsystem_inferences
    assert (job.job_id, job.create_time, job.complete_time) == ("j", at(2), at(7))
    assert (row.subsystem, row.model_name, row.model_version, row.start_sequence) == ("acs", "SMAP_A-1", "1", 40)
    assert (row.anomaly_score, row.max_score, row.threshold, row.inference_time_ms) == (0.25, 0.5, 0.5, 3.0)
    assert (row.window_start_time, row.window_end_time) == (at(40), at(69))
    assert row.state == COMPLETED and not row.anomaly_detected


def test_a_missing_job_is_none(queries):
    assert queries.get_job("no-such-job") is None


def test_window_scores_are_a_manual_jobs_own_rows_else_its_summary_rows(recorder, queries):
    recorder.record([job_update("manual", source=MANUAL, inferences=[inference(0)],
                                windows=[window_score(20), window_score(0), window_score(10)]),
                     job_update("stream", inferences=[inference(50, "power"), inference(50)])])
    assert [w.start_sequence for w in queries.window_scores("manual")] == [0, 10, 20]
    assert [(w.subsystem, w.start_sequence) for w in queries.window_scores("stream")] == [("acs", 50), ("power", 50)]
    assert queries.window_scores("no-such-job") == []


def test_completed_jobs_names_the_finished_ones_only(recorder, queries):
    recorder.record([job_update("done"), job_update("broken", FAILED), job_update("waiting", PENDING)])
    assert queries.completed_jobs(["done", "broken", "waiting", "unknown"]) == {"done", "broken"}
    assert queries.completed_jobs([]) == set()


def test_latest_model_is_the_one_most_recently_used_for_that_subsystem(recorder, queries):
    recorder.record([job_update("old", inferences=[inference(0, model="SMAP_A-1")])])
    recorder.record([job_update("new", inferences=[inference(10, model="SMAP_A-2")])])
    assert queries.latest_model("SAT-001", "acs") == "SMAP_A-2"
    assert queries.latest_model("SAT-001", "power") is None


# --- paging -----------------------------------------------------------------------------------------

def _pages(queries, size: int, **filters) -> list[list[str]]:
    pages, token = [], ""
    while True:
        jobs, token = queries.list_jobs(size, decode_page_token(token), **filters)
        pages.append([j.job_id for j in jobs])
        if not token:
            return pages


def test_pages_run_newest_first_and_each_job_appears_once(recorder, queries):
    # Three jobs share a creation time: the job id orders them, so no page boundary splits or repeats one.
    created = {"a": 1, "b": 5, "c": 5, "d": 5, "e": 9, "f": 3, "g": 7}
    recorder.record([job_update(job_id, created_s=s) for job_id, s in created.items()])
    assert _pages(queries, 2) == [["e", "g"], ["d", "c"], ["b", "f"], ["a"]]
    assert _pages(queries, 7) == [["e", "g", "d", "c", "b", "f", "a"]]  # a full last page ends with no token


def test_filters_hold_across_pages(recorder, queries):
    recorder.record([job_update(f"s{i}", created_s=i, satellite_id="SAT-001" if i % 2 else "SAT-002",
                                state=COMPLETED if i % 3 else FAILED, source=STREAM if i < 6 else MANUAL)
                     for i in range(10)])
    assert _pages(queries, 2, satellite_id="SAT-001") == [["s9", "s7"], ["s5", "s3"], ["s1"]]
    assert _pages(queries, 3, state=FAILED) == [["s9", "s6", "s3"], ["s0"]]
    assert _pages(queries, 10, source=MANUAL, state=COMPLETED) == [["s8", "s7"]]


def test_a_page_token_round_trips_to_the_cursor_of_the_pages_last_job(recorder, queries):
    recorder.record([job_update(f"j{i}", created_s=i) for i in range(3)])
    _, token = queries.list_jobs(2)
    cursor = decode_page_token(token)
    assert cursor == (T0 + timedelta(seconds=1), "j1")
    with pytest.raises(InvalidArgument) as caught:
        decode_page_token(token[:-4] + "!!!!")
    assert caught.value.violations[0][0] == "page_token"
