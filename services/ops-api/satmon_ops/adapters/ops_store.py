"""PostgreSQL reads for the ops API: statistics, results search, alerts; and operators' alert changes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from psycopg.rows import dict_row

from satmon.detection.v1 import job_pb2
from satmon.ops.v1 import alert_pb2, ops_service_pb2 as pb
from satmon_core.detection_quality import DetectionQuality, fetch_detection_quality
from satmon_core.job_queries import PageCursor, encode_page_token
from satmon_core.postgres import make_pool
from satmon_ops.domain.alarms import Action, Alarm, Disposition, HistoryEntry

__all__ = ["OpsStore", "alert_to_proto", "AlertNotFound"]

ALERT_STATES = {"open": alert_pb2.ALERT_STATE_OPEN, "acknowledged": alert_pb2.ALERT_STATE_ACKNOWLEDGED,
                "closed": alert_pb2.ALERT_STATE_CLOSED, "resolved": alert_pb2.ALERT_STATE_RESOLVED,
                "shelved": alert_pb2.ALERT_STATE_SHELVED}
# Every alert row the API returns carries its acknowledgements and its history of changes.
ALERT_COLUMNS = ("a.*, coalesce((SELECT json_agg(json_build_object('operator', k.operator, 'comment', k.comment, "
                 "'at', k.acknowledged_at) ORDER BY k.acknowledged_at) FROM alert_acknowledgements k "
                 "WHERE k.alert_id = a.alert_id), '[]') AS acknowledgements, "
                 "coalesce((SELECT json_agg(json_build_object('action', c.action, 'operator', c.operator, "
                 "'at', c.changed_at, 'comment', c.comment, 'shelved_until', c.shelved_until, 'assignee', c.assignee, "
                 "'disposition', c.disposition, 'tags', c.tags) ORDER BY c.change_id) FROM alert_changes c "
                 "WHERE c.alert_id = a.alert_id), '[]') AS history")
DISPOSITIONS = {Disposition.TRUE_ANOMALY: alert_pb2.ALERT_DISPOSITION_TRUE_ANOMALY,
                Disposition.FALSE_ALARM: alert_pb2.ALERT_DISPOSITION_FALSE_ALARM,
                Disposition.KNOWN_EVENT: alert_pb2.ALERT_DISPOSITION_KNOWN_EVENT}
ACTIONS = {Action.ACKNOWLEDGE: alert_pb2.ALERT_ACTION_ACKNOWLEDGE, Action.SHELVE: alert_pb2.ALERT_ACTION_SHELVE,
           Action.UNSHELVE: alert_pb2.ALERT_ACTION_UNSHELVE, Action.ASSIGN: alert_pb2.ALERT_ACTION_ASSIGN,
           Action.RESOLVE: alert_pb2.ALERT_ACTION_RESOLVE}
ALERT_STATE_NAMES = {v: k for k, v in ALERT_STATES.items()}
ALERT_KINDS = {"model": alert_pb2.ALERT_KIND_MODEL, "limit": alert_pb2.ALERT_KIND_LIMIT}
ALERT_SEVERITIES = {"warning": alert_pb2.ALERT_SEVERITY_WARNING, "critical": alert_pb2.ALERT_SEVERITY_CRITICAL}
ALERT_SEVERITY_NAMES = {v: k for k, v in ALERT_SEVERITIES.items()}
ALERT_KIND_NAMES = {v: k for k, v in ALERT_KINDS.items()}
DISPOSITION_NAMES = {v: k.value for k, v in DISPOSITIONS.items()}


class AlertNotFound(LookupError):
    pass


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _ts(dt: datetime | None):
    from google.protobuf.timestamp_pb2 import Timestamp

    ts = Timestamp()
    if dt is not None:
        ts.FromDatetime(dt.astimezone(timezone.utc))
    return ts


def alert_to_proto(row: dict) -> alert_pb2.Alert:
    alert = alert_pb2.Alert(
        alert_id=str(row["alert_id"]), satellite_id=row["satellite_id"],
        subsystem=row["subsystem"], model_name=row["model_name"],
        start_time=_ts(row["start_time"]), end_time=_ts(row["end_time"]), peak_score=row["peak_score"],
        window_count=row["window_count"], state=ALERT_STATES[row["state"]],
        acknowledged_by=row["acknowledged_by"] or "", comment=row["comment"] or "",
        kind=ALERT_KINDS.get(row.get("kind"), alert_pb2.ALERT_KIND_MODEL),
        severity=ALERT_SEVERITIES.get(row.get("severity"), alert_pb2.ALERT_SEVERITY_WARNING),
        parameter=row.get("parameter") or "", limit=row.get("limit_value") or 0.0, value=row.get("offending_value") or 0.0,
        update_time=_ts(row["updated_at"]))
    if row["acknowledged_at"]:
        alert.acknowledge_time.CopyFrom(_ts(row["acknowledged_at"]))
    if row["resolved_at"]:
        alert.resolve_time.CopyFrom(_ts(row["resolved_at"]))
    if row.get("closed_at"):
        alert.close_time.CopyFrom(_ts(row["closed_at"]))
    for ack in row.get("acknowledgements") or ():
        entry = alert.acknowledgements.add(operator_name=ack["operator"], comment=ack["comment"] or "")
        entry.acknowledge_time.CopyFrom(_ts(datetime.fromisoformat(ack["at"])))
    if row.get("shelved_until"):
        alert.shelve_end_time.CopyFrom(_ts(row["shelved_until"]))
    alert.assignee = row.get("assignee") or ""
    if row.get("disposition"):
        alert.disposition = DISPOSITIONS[Disposition(row["disposition"])]
    alert.tags.extend(row.get("tags") or ())
    for change in row.get("history") or ():
        entry = alert.history.add(action=ACTIONS[Action(change["action"])], operator_name=change["operator"],
                                  comment=change["comment"] or "", assignee=change["assignee"] or "",
                                  tags=change["tags"] or ())
        entry.change_time.CopyFrom(_ts(_time(change["at"])))
        if change["shelved_until"]:
            entry.shelve_end_time.CopyFrom(_ts(_time(change["shelved_until"])))
        if change["disposition"]:
            entry.disposition = DISPOSITIONS[Disposition(change["disposition"])]
    return alert


CHANGES_PER_CALL = 500


@dataclass(frozen=True)
class ChangeCursor:
    """Where a reader of alert changes stands: after this change time, and after this alert at that time."""

    time: datetime
    alert_id: int = 0


class OpsStore:
    def __init__(self, dsn: str) -> None:
        self.pool = make_pool(dsn, max_size=8, statement_timeout_ms=5000)

    def close(self) -> None:
        self.pool.close()

    def ping(self) -> None:
        with self.pool.connection(timeout=2) as conn:
            conn.execute("SELECT 1")

    def job_stats(self, start: datetime, end: datetime) -> pb.GetJobStatsResponse:
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            totals = cur.execute(
                "SELECT count(*) AS total, count(*) FILTER (WHERE status = 'completed') AS completed, "
                "count(*) FILTER (WHERE status = 'failed') AS failed, "
                "count(*) FILTER (WHERE status IN ('pending', 'processing')) AS processing "
                "FROM inference_jobs WHERE created_at >= %s AND created_at < %s", (start, end)).fetchone()
            completed_in_period = cur.execute(
                "SELECT count(*) AS n FROM inference_jobs WHERE status = 'completed' AND completed_at >= %s "
                "AND completed_at < %s", (start, end)).fetchone()["n"]
            per = cur.execute(
                "SELECT si.subsystem, count(*) AS n, avg(si.anomaly_detected::int) AS rate, avg(si.anomaly_score) AS mean "
                "FROM subsystem_inferences si WHERE si.created_at >= %s AND si.created_at < %s "
                "GROUP BY si.subsystem ORDER BY si.subsystem", (start, end)).fetchall()
        finished = totals["completed"] + totals["failed"]
        hours = max((end - start).total_seconds() / 3600.0, 1e-9)
        response = pb.GetJobStatsResponse(
            total_jobs=totals["total"], completed_jobs=totals["completed"], failed_jobs=totals["failed"],
            processing_jobs=totals["processing"], success_rate=totals["completed"] / finished if finished else 0.0,
            jobs_per_hour=completed_in_period / hours,
            subsystem_stats=[pb.SubsystemStats(subsystem=r["subsystem"],
                                               inference_count=r["n"], anomaly_rate=float(r["rate"] or 0),
                                               mean_score=float(r["mean"] or 0)) for r in per])
        response.period_start.FromDatetime(start)
        response.period_end.FromDatetime(end)
        return response

    def search_results(self, request, size: int, cursor: PageCursor | None
                       ) -> tuple[list[job_pb2.SubsystemInference], str]:
        clauses, params = [], []
        if request.satellite_id:
            clauses.append("j.satellite_id = %s")
            params.append(request.satellite_id)
        if request.subsystem:
            clauses.append("si.subsystem = %s")
            params.append(request.subsystem)
        if request.model_name:
            clauses.append("si.model_name = %s")
            params.append(request.model_name)
        if request.HasField("start_time"):
            clauses.append("si.window_end_time >= %s")
            params.append(request.start_time.ToDatetime(tzinfo=timezone.utc))
        if request.HasField("end_time"):
            clauses.append("si.window_start_time < %s")
            params.append(request.end_time.ToDatetime(tzinfo=timezone.utc))
        if request.anomalies_only:
            clauses.append("si.anomaly_detected")
        if cursor:
            clauses.append("(si.created_at, si.id) < (%s, %s)")
            params += [cursor.created_at, int(cursor.key)]
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            rows = cur.execute(f"SELECT si.*, j.satellite_id FROM subsystem_inferences si JOIN inference_jobs j USING (job_id) "
                               f"{where} "
                               "ORDER BY si.created_at DESC, si.id DESC LIMIT %s", [*params, size + 1]).fetchall()
        results = [job_pb2.SubsystemInference(
            subsystem=r["subsystem"], model_name=r["model_name"],
            state=job_pb2.JOB_STATE_COMPLETED if r["status"] == "completed" else job_pb2.JOB_STATE_FAILED,
            anomaly_detected=r["anomaly_detected"], anomaly_score=r["anomaly_score"] or 0.0,
            inference_time_ms=r["inference_time_ms"] or 0.0, window_start_time=_ts(r["window_start_time"]),
            window_end_time=_ts(r["window_end_time"]), job_id=r["job_id"], satellite_id=r["satellite_id"])
            for r in rows[:size]]
        token = encode_page_token(rows[size - 1]["created_at"], str(rows[size - 1]["id"])) if len(rows) > size else ""
        return results, token

    def list_alerts(self, size: int, cursor: PageCursor | None, satellite_id: str, state: int, subsystem: str = "",
                    severity: int = 0, kind: int = 0, disposition: int = 0, include_shelved: bool = False
                    ) -> tuple[list[alert_pb2.Alert], str]:
        clauses, params = [], []
        if disposition:
            clauses.append("disposition = %s")
            params.append(DISPOSITION_NAMES[disposition])
        if satellite_id:
            clauses.append("satellite_id = %s")
            params.append(satellite_id)
        if subsystem:
            clauses.append("subsystem = %s")
            params.append(subsystem)
        if state:
            clauses.append("state = %s")
            params.append(ALERT_STATE_NAMES[state])
        if severity:
            clauses.append("severity = %s")
            params.append(ALERT_SEVERITY_NAMES[severity])
        if kind:
            clauses.append("kind = %s")
            params.append(ALERT_KIND_NAMES[kind])
        if not state and not include_shelved:  # shelved alerts are out of the default list (as Yamcs does); ask for SHELVED to see them
            clauses.append("state <> 'shelved'")
        if cursor:
            clauses.append("(created_at, alert_id) < (%s, %s)")
            params += [cursor.created_at, int(cursor.key)]
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            rows = cur.execute(f"SELECT {ALERT_COLUMNS} FROM alerts a {where} ORDER BY created_at DESC, alert_id DESC "
                               "LIMIT %s",
                               [*params, size + 1]).fetchall()
        token = encode_page_token(rows[size - 1]["created_at"], str(rows[size - 1]["alert_id"])) if len(rows) > size else ""
        return [alert_to_proto(r) for r in rows[:size]], token

    def alerts_by_id(self, alert_ids: Iterable[int]) -> list[alert_pb2.Alert]:
        """The alerts as they are now, oldest change first."""
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            rows = cur.execute(f"SELECT {ALERT_COLUMNS} FROM alerts a WHERE alert_id = ANY(%s) ORDER BY updated_at",
                               (list(alert_ids),)).fetchall()
        return [alert_to_proto(r) for r in rows]

    def alerts_changed_since(self, after: ChangeCursor) -> tuple[list[alert_pb2.Alert], ChangeCursor]:
        """Alerts changed after `after` (at most CHANGES_PER_CALL, oldest change first), and the cursor
        to ask from next. The cursor carries the alert id beside the time, because one writer batch
        stamps all the alerts it touches with the same time."""
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            # Changed rows found through the indexed tables the view joins, not by scanning the view.
            rows = cur.execute(
                f"SELECT {ALERT_COLUMNS} FROM alerts a WHERE alert_id IN ("
                "SELECT alert_id FROM detector_alerts WHERE updated_at >= %(t)s "
                "UNION SELECT alert_id FROM alert_acknowledgements WHERE acknowledged_at >= %(t)s "
                "UNION SELECT alert_id FROM alert_resolutions WHERE resolved_at >= %(t)s "
                "UNION SELECT alert_id FROM alert_lifecycle WHERE updated_at >= %(t)s) "
                "AND (updated_at, alert_id) > (%(t)s, %(id)s) ORDER BY updated_at, alert_id LIMIT %(n)s",
                {"t": after.time, "id": after.alert_id, "n": CHANGES_PER_CALL}).fetchall()
        if not rows:
            return [], after
        return [alert_to_proto(r) for r in rows], ChangeCursor(rows[-1]["updated_at"], rows[-1]["alert_id"])

    def latest_threshold(self, satellite_id: str, subsystem: str) -> float | None:
        with self.pool.connection() as conn:
            row = conn.execute("SELECT si.threshold FROM subsystem_inferences si JOIN inference_jobs j USING (job_id) "
                               "WHERE j.satellite_id = %s AND si.subsystem = %s AND si.threshold IS NOT NULL "
                               "ORDER BY si.created_at DESC LIMIT 1", (satellite_id, subsystem)).fetchone()
        return row[0] if row else None

    def mark_missed(self, satellite_id: str, subsystem: str, start: datetime, end: datetime, operator: str,
                    comment: str) -> tuple[int, bool]:
        """Records a span an operator marked as a missed anomaly; returns its id and whether a model
        alert already overlaps it (then live recall does not count it as missed)."""
        with self.pool.connection() as conn:
            missed_id = conn.execute(
                "INSERT INTO missed_anomalies (satellite_id, subsystem, start_time, end_time, operator, comment) "
                "VALUES (%s, %s, %s, %s, %s, %s) RETURNING missed_id",
                (satellite_id, subsystem, start, end, operator, comment)).fetchone()[0]
            uncovered = conn.execute("SELECT count(*) FROM v_missed_anomalies WHERE missed_id = %s",
                                     (missed_id,)).fetchone()[0]
        return missed_id, not uncovered

    def detection_quality(self, satellite_id: str) -> DetectionQuality:
        with self.pool.connection() as conn:
            return fetch_detection_quality(conn, satellite_id)

    def open_alert_subsystems(self) -> dict[str, list[int]]:
        with self.pool.connection() as conn:
            rows = conn.execute("SELECT DISTINCT satellite_id, subsystem FROM alerts WHERE state IN ('open', 'acknowledged')").fetchall()
        out: dict[str, list[int]] = {}
        for sat, subsystem in rows:
            out.setdefault(sat, []).append(subsystem)
        return out

    def change(self, alert_id: str, decide: Callable[[Alarm, datetime], tuple[Alarm, HistoryEntry]]
               ) -> alert_pb2.Alert:
        """Applies one operator's change: `decide` (a rule of satmon_ops.domain.alarms) gets the alert's
        lifecycle and the database's clock, the one the alerts view judges shelves by, and returns
        the new lifecycle and its history entry, which are written in one transaction."""
        try:
            key = int(alert_id)
        except ValueError:
            raise AlertNotFound(alert_id) from None
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            # The ops API owns only the operators' actions (the writer owns the alert), so it
            # serialises one alert's actions with a lock of its own rather than a row lock.
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (key,))
            row = cur.execute("SELECT *, now() AS now FROM alerts WHERE alert_id = %s", (key,)).fetchone()
            if row is None:
                raise AlertNotFound(alert_id)
            before = Alarm(key, acknowledged=row["acknowledged_at"] is not None, shelved_until=row["shelved_until"],
                           assignee=row["assignee"], resolved=row["state"] == "resolved")
            after, entry = decide(before, row["now"])
            self._write(cur, after, entry)
            row = cur.execute(f"SELECT {ALERT_COLUMNS} FROM alerts a WHERE alert_id = %s", (key,)).fetchone()
        return alert_to_proto(row)

    @staticmethod
    def _write(cur, after: Alarm, entry: HistoryEntry) -> None:
        key = after.alert_id
        disposition = entry.disposition.value if entry.disposition else None
        if entry.action is Action.ACKNOWLEDGE:
            # History, not overwrite: every acknowledgement is a row; the alert shows the first.
            cur.execute("INSERT INTO alert_acknowledgements (alert_id, operator, comment) VALUES (%s, %s, %s)",
                        (key, entry.operator, entry.comment))
        elif entry.action is Action.RESOLVE:
            cur.execute("INSERT INTO alert_resolutions (alert_id, operator, comment, disposition, tags) "
                        "VALUES (%s, %s, %s, %s, %s)", (key, entry.operator, entry.comment, disposition, list(entry.tags)))
        if entry.action is not Action.ACKNOWLEDGE:
            cur.execute("INSERT INTO alert_lifecycle (alert_id, shelved_until, assignee) VALUES (%s, %s, %s) "
                        "ON CONFLICT (alert_id) DO UPDATE SET shelved_until = excluded.shelved_until, "
                        "assignee = excluded.assignee, updated_at = now()", (key, after.shelved_until, after.assignee))
        cur.execute("INSERT INTO alert_changes (alert_id, action, operator, changed_at, comment, shelved_until, "
                    "assignee, disposition, tags) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    (key, entry.action.value, entry.operator, entry.time, entry.comment, entry.shelved_until,
                     entry.assignee, disposition, list(entry.tags)))
