"""The ops API's store (OpsStore) in PostgreSQL: operators' changes to an alert by the lifecycle rules,
each with its history row, in one transaction; job statistics; the lists it pages through."""

from __future__ import annotations

import itertools
import threading
from datetime import datetime, timedelta, timezone

import psycopg
import pytest

from satmon.detection.v1 import job_pb2
from satmon.ops.v1 import alert_pb2, ops_service_pb2 as pb
from satmon_core.errors import FailedPrecondition, InvalidArgument
from satmon_core.job_queries import decode_page_token
from satmon_core.postgres import ServiceRole
from satmon_ops.adapters.alert_notifications import AlertNotifications
from satmon_ops.adapters.ops_store import AlertNotFound, ChangeCursor, OpsStore
from satmon_ops.domain import alarms
from satmon_ops.domain.alarms import Disposition
from satmon_writer.adapters.jobs import JobRecorder
from tests.support.job_records import T0, inference, job_update

pytestmark = pytest.mark.middle

_parameters = itertools.count()  # one open limit alert per parameter: each test alert gets its own
S = alert_pb2  # AlertState, AlertAction, AlertDisposition values
HOUR = timedelta(hours=1)


@pytest.fixture
def store(db):
    ops = OpsStore(db.as_role(ServiceRole.OPS))
    yield ops
    ops.close()


def _alert(db, satellite: str = "SAT-001", subsystem: str = "acs", kind: str = "model", severity: str = "warning",
           state: str = "open", created: datetime | None = None) -> str:
    """An alert as the writer stores it; returns its id as the API names it."""
    with psycopg.connect(db.as_role(ServiceRole.WRITER)) as conn:
        (alert_id,) = conn.execute(
            "INSERT INTO detector_alerts (satellite_id, subsystem, model_name, start_time, end_time, peak_score, "
            "kind, severity, state, parameter, created_at) VALUES (%s, %s, 'SMAP_A-1', %s, %s, 0.7, %s, %s, %s, %s, "
            "coalesce(%s, now())) RETURNING alert_id",
            (satellite, subsystem, T0, T0 + timedelta(seconds=40), kind, severity, state,
             f"parameter_{next(_parameters)}" if kind == "limit" else None, created)).fetchone()
    return str(alert_id)


def _history(alert: alert_pb2.Alert) -> list[tuple[int, str]]:
    return [(entry.action, entry.operator_name) for entry in alert.history]


def _acknowledge(store, alert_id, who, comment=""):
    return store.change(alert_id, lambda alarm, now: alarms.acknowledge(alarm, who, now, comment))


def _shelve(store, alert_id, who, duration=HOUR):
    return store.change(alert_id, lambda alarm, now: alarms.shelve(alarm, duration, who, now))


def _unshelve(store, alert_id, who):
    return store.change(alert_id, lambda alarm, now: alarms.unshelve(alarm, who, now))


def _assign(store, alert_id, who, assignee):
    return store.change(alert_id, lambda alarm, now: alarms.assign(alarm, assignee, who, now))


def _resolve(store, alert_id, who, disposition=Disposition.FALSE_ALARM, tags=()):
    return store.change(alert_id, lambda alarm, now: alarms.resolve(alarm, disposition, who, now, tags, "noise"))


def _database_now(db) -> datetime:
    with psycopg.connect(db.dsn) as conn:
        return conn.execute("SELECT now()").fetchone()[0]


def _listed(store, **filters) -> list[str]:
    alerts, _ = store.list_alerts(100, None, filters.pop("satellite_id", ""), filters.pop("state", 0), **filters)
    return [a.alert_id for a in alerts]


# --- the lifecycle ------------------------------------------------------------------------------------

def test_every_acknowledgement_is_kept_and_the_alert_shows_the_first(db, store):
    alert_id = _alert(db)
    _acknowledge(store, alert_id, "ana", "looking")
    alert = _acknowledge(store, alert_id, "ben", "me too")
    assert alert.state == S.ALERT_STATE_ACKNOWLEDGED and (alert.acknowledged_by, alert.comment) == ("ana", "looking")
    assert [(a.operator_name, a.comment) for a in alert.acknowledgements] == [("ana", "looking"), ("ben", "me too")]
    assert _history(alert) == [(S.ALERT_ACTION_ACKNOWLEDGE, "ana"), (S.ALERT_ACTION_ACKNOWLEDGE, "ben")]
    assert alert.acknowledge_time == alert.acknowledgements[0].acknowledge_time


def test_a_shelved_alert_leaves_the_default_list_until_it_is_unshelved(db, store):
    alert_id, other = _alert(db), _alert(db)
    before = _database_now(db)
    shelved = _shelve(store, alert_id, "ana", duration=HOUR)
    end = shelved.shelve_end_time.ToDatetime(tzinfo=timezone.utc)
    assert shelved.state == S.ALERT_STATE_SHELVED and timedelta(0) <= end - before - HOUR < timedelta(seconds=5)
    assert _listed(store) == [other] and _listed(store, state=S.ALERT_STATE_SHELVED) == [alert_id]
    unshelved = _unshelve(store, alert_id, "ben")
    assert unshelved.state == S.ALERT_STATE_OPEN and not unshelved.HasField("shelve_end_time")
    assert _listed(store) == [other, alert_id]  # back in the default list, newest first
    assert _history(unshelved) == [(S.ALERT_ACTION_SHELVE, "ana"), (S.ALERT_ACTION_UNSHELVE, "ben")]
    assert unshelved.history[0].shelve_end_time == shelved.shelve_end_time


def test_a_shelve_ends_by_itself_once_its_time_has_passed(db, store):
    alert_id = _alert(db)
    _acknowledge(store, alert_id, "ana")
    _shelve(store, alert_id, "ana")
    with psycopg.connect(db.dsn) as conn:  # an hour later, as the database's clock sees it
        conn.execute("UPDATE alert_lifecycle SET shelved_until = now() - interval '1 second'")
    assert _listed(store) == [alert_id]
    (alert,), _ = store.list_alerts(10, None, "", 0)
    assert alert.state == S.ALERT_STATE_ACKNOWLEDGED and not alert.HasField("shelve_end_time")
    with pytest.raises(FailedPrecondition) as refused:
        _unshelve(store, alert_id, "ben")
    assert refused.value.reason == "ALERT_NOT_SHELVED"


def test_a_refused_change_writes_no_history(db, store):
    alert_id = _alert(db)
    with pytest.raises(FailedPrecondition):
        _unshelve(store, alert_id, "ana")
    with pytest.raises(InvalidArgument):
        _shelve(store, alert_id, "ana", duration=timedelta(days=8))
    with psycopg.connect(db.dsn) as conn:
        assert conn.execute("SELECT count(*) FROM alert_changes").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM alert_lifecycle").fetchone()[0] == 0


def test_assigning_records_the_assignee_and_each_reassignment(db, store):
    alert_id = _alert(db)
    _assign(store, alert_id, "ana", "ben")
    alert = _assign(store, alert_id, "ana", "  carla ")
    assert alert.assignee == "carla" and alert.state == S.ALERT_STATE_OPEN
    assert [(e.action, e.assignee) for e in alert.history] == [(S.ALERT_ACTION_ASSIGN, "ben"),
                                                               (S.ALERT_ACTION_ASSIGN, "carla")]


def test_resolving_ends_a_shelve_keeps_the_disposition_and_refuses_every_later_change(db, store):
    alert_id = _alert(db)
    _shelve(store, alert_id, "ana")
    resolved = _resolve(store, alert_id, "ben", Disposition.KNOWN_EVENT, tags=("eclipse", " eclipse", "heater"))
    assert resolved.state == S.ALERT_STATE_RESOLVED and not resolved.HasField("shelve_end_time")
    assert (resolved.disposition, list(resolved.tags), resolved.comment) == (
        S.ALERT_DISPOSITION_KNOWN_EVENT, ["eclipse", "heater"], "noise")
    assert resolved.HasField("resolve_time")
    for change in (lambda: _acknowledge(store, alert_id, "carla"), lambda: _resolve(store, alert_id, "carla"),
                   lambda: _assign(store, alert_id, "carla", "dan"), lambda: _shelve(store, alert_id, "carla")):
        with pytest.raises(FailedPrecondition) as refused:
            change()
        assert refused.value.reason == "ALERT_RESOLVED"
    (listed,), _ = store.list_alerts(10, None, "", S.ALERT_STATE_RESOLVED)
    assert _history(listed) == [(S.ALERT_ACTION_SHELVE, "ana"), (S.ALERT_ACTION_RESOLVE, "ben")]
    assert listed.history[1].disposition == S.ALERT_DISPOSITION_KNOWN_EVENT


def test_two_operators_resolving_at_once_resolve_it_once(db, store):
    alert_id = _alert(db)
    start, outcomes = threading.Barrier(2), []

    def resolve(who: str) -> None:
        start.wait()
        try:
            _resolve(store, alert_id, who)
            outcomes.append("resolved")
        except FailedPrecondition as refused:
            outcomes.append(refused.reason)

    threads = [threading.Thread(target=resolve, args=(who,)) for who in ("ana", "ben")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["ALERT_RESOLVED", "resolved"]
    with psycopg.connect(db.dsn) as conn:
        assert conn.execute("SELECT count(*) FROM alert_changes WHERE action = 'resolve'").fetchone()[0] == 1


def test_a_change_to_an_alert_that_does_not_exist_is_alert_not_found(db, store):
    for missing in ("999", "not-a-number"):
        with pytest.raises(AlertNotFound):
            _acknowledge(store, missing, "ana")


def test_the_detectors_close_shows_until_an_operator_resolves(db, store):
    alert_id = _alert(db, state="closed")
    acknowledged = _acknowledge(store, alert_id, "ana")
    assert acknowledged.state == S.ALERT_STATE_CLOSED and acknowledged.acknowledged_by == "ana"
    assert _resolve(store, alert_id, "ana").state == S.ALERT_STATE_RESOLVED


# --- lists --------------------------------------------------------------------------------------------

def _alert_pages(store, size: int, **filters) -> list[list[str]]:
    pages, token = [], ""
    while True:
        cursor = decode_page_token(token, numeric_key=True)
        alerts, token = store.list_alerts(size, cursor, filters.get("satellite_id", ""), 0,
                                          kind=filters.get("kind", 0), severity=filters.get("severity", 0))
        pages.append([a.alert_id for a in alerts])
        if not token:
            return pages


def test_alert_pages_run_newest_first_and_hold_each_alert_once(db, store):
    same_time = T0 + HOUR  # ties broken by id, newest first
    ids = [_alert(db, created=T0), _alert(db, created=same_time), _alert(db, created=same_time),
           _alert(db, created=T0 + 2 * HOUR), _alert(db, created=same_time)]
    assert _alert_pages(store, 2) == [[ids[3], ids[4]], [ids[2], ids[1]], [ids[0]]]


def test_alert_filters_hold_across_pages(db, store):
    ids = [_alert(db, satellite=f"SAT-00{1 + i % 2}", kind="limit" if i % 3 == 0 else "model",
                  severity="critical" if i >= 4 else "warning", created=T0 + i * HOUR) for i in range(7)]
    assert _alert_pages(store, 2, satellite_id="SAT-002") == [[ids[5], ids[3]], [ids[1]]]
    assert _alert_pages(store, 1, kind=S.ALERT_KIND_LIMIT) == [[ids[6]], [ids[3]], [ids[0]]]
    assert _alert_pages(store, 5, severity=S.ALERT_SEVERITY_CRITICAL) == [[ids[6], ids[5], ids[4]]]
    _resolve(store, ids[2], "ana", Disposition.TRUE_ANOMALY)
    alerts, _ = store.list_alerts(10, None, "", 0, disposition=S.ALERT_DISPOSITION_TRUE_ANOMALY)
    assert [a.alert_id for a in alerts] == [ids[2]]


def test_alerts_changed_since_are_the_ones_an_operator_or_the_detector_touched_after_it(db, store):
    quiet, acknowledged, shelved = _alert(db), _alert(db), _alert(db)
    since = _database_now(db)
    _acknowledge(store, acknowledged, "ana")
    _shelve(store, shelved, "ana")
    changed, cursor = store.alerts_changed_since(ChangeCursor(since))
    assert [a.alert_id for a in changed] == [acknowledged, shelved]  # in the order they changed
    assert cursor.time > since and cursor.alert_id == int(shelved)
    assert store.alerts_changed_since(cursor) == ([], cursor)
    assert quiet not in [a.alert_id for a in changed]


def test_open_alert_subsystems_name_what_still_needs_an_operator(db, store):
    _alert(db, subsystem="acs")
    _acknowledge(store, _alert(db, subsystem="power"), "ana")
    _alert(db, subsystem="thermal", state="closed")
    _resolve(store, _alert(db, subsystem="comms"), "ana")
    _alert(db, satellite="SAT-002", subsystem="acs")
    found = store.open_alert_subsystems()
    assert {sat: sorted(subsystems) for sat, subsystems in found.items()} == {"SAT-001": ["acs", "power"],
                                                                           "SAT-002": ["acs"]}


# --- jobs and results -----------------------------------------------------------------------------------

@pytest.fixture
def recorder(db):
    jobs = JobRecorder(db.as_role(ServiceRole.WRITER))
    yield jobs
    jobs.close()


def test_job_stats_count_the_periods_jobs_by_outcome(db, store, recorder):
    recorder.record([job_update("done-1", created_s=10, completed_s=20), job_update("done-2", created_s=30),
                     job_update("broken", job_pb2.JOB_STATE_FAILED, created_s=40),
                     job_update("waiting", job_pb2.JOB_STATE_PENDING, created_s=50),
                     job_update("later", created_s=2 * 3600 + 10)])
    stats = store.job_stats(T0, T0 + 2 * HOUR)
    assert (stats.total_jobs, stats.completed_jobs, stats.failed_jobs, stats.processing_jobs) == (4, 2, 1, 1)
    assert stats.success_rate == pytest.approx(2 / 3) and stats.jobs_per_hour == pytest.approx(1.0)
    assert stats.period_start.ToDatetime(tzinfo=timezone.utc) == T0


def test_search_results_pages_through_every_matching_window_once(db, store, recorder):
    recorder.record([job_update(f"j{i}", satellite_id="SAT-002" if i == 3 else "SAT-001",
                                inferences=[inference(10 * i), inference(10 * i, "power")]) for i in range(5)])
    pages, token = [], ""
    request = pb.SearchResultsRequest(satellite_id="SAT-001", subsystem="acs")
    while True:
        results, token = store.search_results(request, 3, decode_page_token(token, numeric_key=True))
        pages.append([(r.job_id, r.subsystem, r.satellite_id) for r in results])
        if not token:
            break
    assert pages == [[("j4", "acs", "SAT-001"), ("j2", "acs", "SAT-001"), ("j1", "acs", "SAT-001")],
                     [("j0", "acs", "SAT-001")]]


def test_latest_threshold_is_the_newest_windows(db, store, recorder):
    recorder.record([job_update("old", inferences=[inference(0)])])
    with psycopg.connect(db.dsn) as conn:
        conn.execute("UPDATE subsystem_inferences SET threshold = 0.25, created_at = now() - interval '1 minute'")
    recorder.record([job_update("new", inferences=[inference(10)])])
    assert store.latest_threshold("SAT-001", "acs") == 0.5
    assert store.latest_threshold("SAT-001", "power") is None


def test_a_change_committed_after_a_later_one_is_announced_when_it_commits(db, store):
    """The live stream hears of changes from PostgreSQL's notifications, sent at commit: a writer
    transaction that started before an operator's change but commits after it is still announced
    (reading back by change time alone once missed it for good)."""
    slow, quick = _alert(db), _alert(db)
    with AlertNotifications(db.as_role(ServiceRole.OPS)) as changes:
        with psycopg.connect(db.as_role(ServiceRole.WRITER)) as writer:
            writer.execute("UPDATE detector_alerts SET end_time = end_time + interval '10 seconds', "
                           "updated_at = now() WHERE alert_id = %s", (int(slow),))
            _acknowledge(store, quick, "ana")  # commits while the writer's transaction is open
            assert changes.wait(timeout=5) == {int(quick)}
        assert changes.wait(timeout=5) == {int(slow)}  # the writer committed on leaving the block
        assert [a.alert_id for a in store.alerts_by_id([int(slow)])] == [slow]


def test_a_rolled_back_change_is_not_announced(db, store):
    alert = _alert(db)
    with AlertNotifications(db.as_role(ServiceRole.OPS)) as changes:
        with psycopg.connect(db.as_role(ServiceRole.WRITER)) as writer:
            writer.execute("UPDATE detector_alerts SET updated_at = now() WHERE alert_id = %s", (int(alert),))
            writer.rollback()
        assert changes.wait(timeout=1) == set()


def test_more_alerts_changed_in_one_transaction_than_one_call_returns_are_all_read_back(db, store):
    since = _database_now(db)
    with psycopg.connect(db.as_role(ServiceRole.WRITER)) as writer:  # one writer batch: one now() for every row
        writer.execute("INSERT INTO detector_alerts (satellite_id, subsystem, model_name, start_time, end_time, "
                       "peak_score) SELECT 'SAT-' || n, 'acs', 'SMAP_A-1', %s, %s, 0.7 FROM generate_series(1, 501) n",
                       (T0, T0))
    first, cursor = store.alerts_changed_since(ChangeCursor(since))
    second, cursor = store.alerts_changed_since(cursor)
    assert (len(first), len(second)) == (500, 1)
    assert len({a.alert_id for a in first + second}) == 501
    assert store.alerts_changed_since(cursor) == ([], cursor)


def test_dispositions_are_the_labels_where_no_replay_carries_any(db, store):
    """Model alerts on unlabelled streams resolved with a disposition give a precision; alerts on a
    labelled stream are scored by the labels only, and limit alerts are not the detector's."""
    judged = {Disposition.TRUE_ANOMALY: 2, Disposition.KNOWN_EVENT: 1, Disposition.FALSE_ALARM: 1}
    for disposition, count in judged.items():
        for _ in range(count):
            _resolve(store, _alert(db), "ana", disposition)
    _resolve(store, _alert(db, kind="limit"), "ana", Disposition.FALSE_ALARM)
    _alert(db)  # open, not judged yet
    labelled = _alert(db, satellite="SAT-002")
    with psycopg.connect(db.dsn) as conn:
        conn.execute("UPDATE detector_alerts SET stream_start = %s WHERE alert_id = %s", (T0, int(labelled)))
        conn.execute("INSERT INTO ground_truth_streams VALUES ('SAT-002', 'acs', %s, 'A-1', 1000)", (T0,))
    _resolve(store, labelled, "ana", Disposition.FALSE_ALARM)

    quality = store.detection_quality("")
    assert (quality.true_anomalies, quality.known_events, quality.false_alarms) == (2, 1, 1)
    assert quality.judged_precision == 0.75
    assert quality.false_alerts == 1  # the labelled stream's alert, scored against its labels
    assert store.detection_quality("SAT-002").judged == 0


def test_a_span_marked_as_missed_counts_only_while_no_model_alert_overlaps_it(db, store):
    _resolve(store, _alert(db), "ana", Disposition.TRUE_ANOMALY)  # T0 .. T0 + 40 s
    far = T0 + timedelta(hours=2)
    missed_id, covered = store.mark_missed("SAT-001", "acs", far, far + timedelta(minutes=5), "ana", "dip in ACS")
    assert not covered and missed_id > 0
    _, covered = store.mark_missed("SAT-001", "acs", T0 + timedelta(seconds=30), T0 + timedelta(minutes=2), "ana", "")
    assert covered  # the resolved alert overlaps it: found, not missed
    quality = store.detection_quality("SAT-001")
    assert (quality.true_anomalies, quality.missed) == (1, 1)
    assert quality.judged_recall == 0.5


def test_judgements_export_as_labels_eval_reads(db, store, tmp_path):
    from satmon_archive import read_labels, write_labels
    from satmon_cli.labels_cmd import judged_labels

    true, false, known = _alert(db), _alert(db, subsystem="eps"), _alert(db, subsystem="tcs")
    _resolve(store, true, "ana", Disposition.TRUE_ANOMALY)
    _resolve(store, false, "ana", Disposition.FALSE_ALARM)
    _resolve(store, known, "ana", Disposition.KNOWN_EVENT)
    far = T0 + timedelta(hours=2)
    store.mark_missed("SAT-001", "ps", far, far + timedelta(minutes=5), "ana", "")
    with psycopg.connect(db.dsn) as conn:
        labels = judged_labels(conn)
        assert [(l.subsystem, l.end_ns - l.start_ns) for l in labels] == [("acs", 40 * 10**9), ("ps", 300 * 10**9)]
        assert {l.subsystem for l in judged_labels(conn, known_events=True)} == {"acs", "ps", "tcs"}
        assert judged_labels(conn, satellite_id="SAT-009") == []
    write_labels(tmp_path / "labels.csv", labels)
    assert read_labels(tmp_path / "labels.csv") == labels
