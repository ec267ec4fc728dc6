"""The writer's detector alerts (AlertStore) and labels (GroundTruthStore) in PostgreSQL: a batch
redelivered, to the same writer or to one that restarted, raises nothing twice; the live scoring
views read the two together."""

from __future__ import annotations

import psycopg
import pytest

from satmon.telemetry.v1 import events_pb2 as telemetry_events
from satmon_core.detection_quality import fetch_detection_quality
from satmon_core.postgres import ServiceRole
from satmon_writer.adapters.alerts import AlertStore
from satmon_writer.adapters.ground_truth import GroundTruthStore
from tests.unit.test_writer_detection import BASE_S, _results, _scores

pytestmark = pytest.mark.middle

BATCH = 5  # windows per consumed batch: the anomaly opens its alert in batch 59 and closes it in 61
MID_ANOMALY = 61  # batches[:61] leave the alert open


def _batches(results):
    return [results[i:i + BATCH] for i in range(0, len(results), BATCH)]


def _record(db, batches) -> None:
    """The batches recorded by one writer, started before the first and stopped after the last."""
    store = AlertStore(db.as_role(ServiceRole.WRITER))
    try:
        for batch in batches:
            store.record(batch)
    finally:
        store.close()


def _recorded_uninterrupted(db, batches) -> tuple[list, list]:
    """From empty tables, every batch recorded by one writer that never stopped: what an interrupted
    run must end equal to."""
    db.empty_tables()
    _record(db, batches)
    return _snapshot(db)


def _snapshot(db) -> tuple[list, list]:
    """Every alert and every stream checkpoint, as stored."""
    with psycopg.connect(db.dsn) as conn:
        alerts = conn.execute("SELECT alert_id, start_sequence, end_sequence, raised_sequence, window_count, "
                              "peak_score, state, start_time, end_time FROM detector_alerts "
                              "ORDER BY alert_id").fetchall()
        states = conn.execute("SELECT satellite_id, subsystem, stream_start, next_sequence, alert_id "
                              "FROM detector_states ORDER BY 1, 2, 3").fetchall()
    return alerts, states


@pytest.fixture
def alert_store(db):
    store = AlertStore(db.as_role(ServiceRole.WRITER))
    yield store
    store.close()


def test_a_stream_with_one_anomaly_raises_one_alert_over_it(db, alert_store):
    touched = set()
    for batch in _batches(_results(_scores())):
        touched |= set(alert_store.record(batch))
    alerts, states = _snapshot(db)
    assert len(alerts) == 1 and touched == {alerts[0][0]}
    _, start, end, raised, *_ = alerts[0]
    assert start <= 3000 + 50 and end >= 3000 and start <= raised <= end  # the anomaly is records 3000..3049
    (state,) = states
    assert state[:2] == ("SAT-001", "acs") and state[3] == 4000  # every record decided


def test_a_redelivered_batch_changes_nothing(db, alert_store):
    batches = _batches(_results(_scores()))
    for batch in batches:
        alert_store.record(batch)
    before = _snapshot(db)
    for batch in batches[55:65]:  # around the anomaly, again
        assert alert_store.record(batch) == []
    assert _snapshot(db) == before


def test_a_restarted_writer_resumes_from_the_checkpoint_and_raises_nothing_twice(db):
    batches = _batches(_results(_scores()))
    _record(db, batches[:MID_ANOMALY])  # stops mid-anomaly, the alert open
    midway = _snapshot(db)
    assert len(midway[0]) == 1 and midway[1][0][4] == midway[0][0][0], "the checkpoint holds the open alert"
    _record(db, batches[MID_ANOMALY - 6:])  # restarted: the uncommitted offsets are redelivered, then the rest
    continued = _snapshot(db)

    assert continued == _recorded_uninterrupted(db, batches)


def test_windows_held_for_a_gap_are_checkpointed_and_fed_by_a_restarted_writer(db):
    """Windows that arrive ahead of a missing one wait in the checkpoint (the held column): a writer
    that restarts before the gap fills feeds them once it does, and ends as one that never stopped."""
    results = _results(_scores())
    batches = _batches(results)
    late = results[300]  # a window the worker published late, around the anomaly (records 3000..3049)
    early = [[r for r in batch if r is not late] for batch in batches[:62]]
    _record(db, early)
    with psycopg.connect(db.dsn) as conn:
        next_sequence, held = conn.execute("SELECT next_sequence, cardinality(held) FROM detector_states").fetchone()
    assert next_sequence == late.start_sequence + 20 and held == 62 * BATCH - 301  # the rest wait for it
    _record(db, [[late], *batches[62:]])  # a restarted writer
    assert _snapshot(db) == _recorded_uninterrupted(db, batches)


def test_a_new_replay_of_the_same_subsystem_closes_the_old_streams_open_alert(db, alert_store):
    old = _batches(_results(_scores()))[:MID_ANOMALY]
    for batch in old:
        alert_store.record(batch)
    assert _snapshot(db)[0][0][6] == "open"
    alert_store.record(_results(_scores()[:100], base_s=BASE_S + 86_400))  # a replay that starts later
    alerts, states = _snapshot(db)
    assert [a[6] for a in alerts] == ["closed"] and len(states) == 2
    assert all(s[4] is None for s in states), "no stream holds an open alert"


def _labels(*sequences: tuple[int, int]) -> telemetry_events.GroundTruth:
    truth = telemetry_events.GroundTruth(satellite_id="SAT-001", subsystem="acs", channel="A-1", records=4000)
    truth.stream_start_time.FromSeconds(BASE_S)
    for start, end in sequences:
        truth.sequences.add(start_sequence=start, end_sequence=end)
    return truth


def test_labels_recorded_twice_are_stored_once(db):
    store = GroundTruthStore(db.as_role(ServiceRole.WRITER))
    try:
        store.record([_labels((3000, 3049), (3500, 3510))])
        store.record([_labels((3000, 3049), (3500, 3510))])
    finally:
        store.close()
    with psycopg.connect(db.dsn) as conn:
        assert conn.execute("SELECT count(*) FROM ground_truth_streams").fetchone()[0] == 1
        assert conn.execute("SELECT start_sequence, end_sequence FROM ground_truth_sequences "
                            "ORDER BY 1").fetchall() == [(3000, 3049), (3500, 3510)]


def test_detection_quality_scores_the_live_alert_against_the_labels_of_its_stream(db, alert_store):
    labels = GroundTruthStore(db.as_role(ServiceRole.WRITER))
    try:
        # The stream's anomaly, and a labelled sequence the detector never alerted on.
        labels.record([_labels((3000, 3049), (3500, 3510))])
    finally:
        labels.close()
    for batch in _batches(_results(_scores())):
        alert_store.record(batch)
    with psycopg.connect(db.as_role(ServiceRole.OPS)) as conn:
        quality = fetch_detection_quality(conn, "SAT-001")
        assert fetch_detection_quality(conn, "SAT-002").labelled_streams == 0
    assert (quality.labelled_streams, quality.labelled_sequences, quality.detected_sequences,
            quality.false_alerts) == (1, 2, 1, 0)
    assert quality.precision == 1.0 and quality.recall == 0.5
