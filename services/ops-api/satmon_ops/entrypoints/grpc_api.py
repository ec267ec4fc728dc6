"""OpsService: thin methods over the trend planner, VictoriaMetrics and the ops store."""

from __future__ import annotations

import queue
import time
from datetime import datetime, timedelta, timezone

from google.api import httpbody_pb2

from satmon.ops.v1 import ops_service_pb2 as pb, ops_service_pb2_grpc
from satmon_core.errors import FailedPrecondition, InvalidArgument, NotFound, TransientError
from satmon_core.fleet_registry import FleetRegistry
from satmon_core.grpc_errors import page_size
from satmon_core.job_queries import JobQueries, decode_page_token
from satmon_core.victoria import VictoriaMetrics
from satmon_ops.adapters.events import EventHub
from satmon_core.auth import caller
from satmon_core.identifiers import label_value
from satmon_ops.adapters.ops_store import DISPOSITIONS, AlertNotFound, OpsStore
from satmon_ops.domain import alarms
from satmon_core.series_names import series_names
from satmon_mdb import load_mission_database
from satmon_ops.entrypoints.mission_messages import class_message, known_subsystem
from satmon_ops.domain.csv_export import (alert_rows, alerts_header, column_title, telemetry_header, telemetry_rows,
                                          time_chunks)
from satmon_ops.domain.trends import check_span, feature_query, plan_range, select_parameters, subsystem_of

__all__ = ["OpsServicer"]

CSV = "text/csv; charset=utf-8"
EXPORT_PAGE = 500  # alerts per piece of an alerts export


def _seconds(ts) -> float | None:
    return ts.ToNanoseconds() / 1e9 if ts.seconds or ts.nanos else None


def _series(metric: str, feature_index: int, values: list, parameter: str = "", unit: str = "") -> pb.TrendSeries:
    """VictoriaMetrics' [[seconds, "value"], ...] into packed arrays (C-level extends, no per-point messages)."""
    return pb.TrendSeries(metric=metric, feature_index=feature_index, parameter=parameter, unit=unit,
                          times_ms=[int(t * 1000) for t, _ in values], values=[float(v) for _, v in values])


_DISPOSITIONS = {wire: domain for domain, wire in DISPOSITIONS.items()}  # unset: none given

class OpsServicer(ops_service_pb2_grpc.OpsServiceServicer):
    def __init__(self, vm: VictoriaMetrics, store: OpsStore, jobs: JobQueries, hub: EventHub,
                 fleet: FleetRegistry) -> None:
        self.vm = vm
        self.fleet = fleet
        self.store = store
        self.jobs = jobs
        self.hub = hub

    def _known_satellite(self, satellite_id: str) -> None:
        """NOT_FOUND for a satellite the fleet registry does not hold: an empty answer would read as
        "no data yet" for a typo. Empty means "every satellite" and passes."""
        if satellite_id and not self.fleet.is_known(satellite_id):
            raise NotFound("SATELLITE_NOT_FOUND", f"satellite {satellite_id} is not in the fleet registry",
                           satellite_id=satellite_id)

    # --- trends ----------------------------------------------------------------------------------

    def _series(self, which: str, query) -> list[pb.TrendSeries]:
        """The raw or prediction series of a trend request (any of the three: they share their fields;
        the declared rules have checked satellite_id and the names' shape), under the metric names
        the satellite's class is stored with."""
        self._known_satellite(query.satellite_id)
        view = subsystem_of(self.fleet.subsystems_of(query.satellite_id), query.subsystem)
        indices = select_parameters(view, list(query.parameters), list(query.feature_indices))
        names = series_names(view)
        metric = names.raw if which == "raw" else names.prediction
        rng = plan_range(_seconds(query.start_time), _seconds(query.end_time), query.step_seconds, time.time())
        raw = self.vm.query_range(feature_query(metric, query.satellite_id, query.subsystem,
                                                [names.label_value(view, i) for i in indices], rng.step_s, names.label),
                                  rng.start_s, rng.end_s, rng.step_s)
        series = []
        for item in raw:
            index = names.index_of(view, item["metric"].get(names.label, "0"))
            parameter = view.definition.parameters[index]
            series.append(_series(metric, index, item["values"], parameter.name, parameter.unit))
        return sorted(series, key=lambda s: s.feature_index)

    def QueryRawTrend(self, request, context):
        return pb.QueryRawTrendResponse(series=self._series("raw", request))

    def QueryPredictionTrend(self, request, context):
        return pb.QueryPredictionTrendResponse(series=self._series("prediction", request))

    def CompareTrends(self, request, context):
        raw = self._series("raw", request)
        prediction = self._series("prediction", request)
        rng = plan_range(_seconds(request.start_time), _seconds(request.end_time), request.step_seconds, time.time())
        selector = (f'inference_anomaly_score{{satellite_id="{label_value(request.satellite_id)}",'
                    f'subsystem="{request.subsystem}"}}')
        expr = f"max(max_over_time({selector}[{int(rng.step_s)}s]))" if rng.step_s > 1 else f"max({selector})"
        scores = self.vm.query_range(expr, rng.start_s, rng.end_s, rng.step_s)
        score = _series("inference_anomaly_score", 0, scores[0]["values"] if scores else [])
        # The detector's epsilon is written once per window (every stride of records): look back a
        # stride's worth so a fine step still finds the last value.
        epsilon_selector = selector.replace("inference_anomaly_score", "detector_threshold")
        window = max(int(rng.step_s), 60)
        epsilons = self.vm.query_range(f"max(last_over_time({epsilon_selector}[{window}s]))",
                                       rng.start_s, rng.end_s, rng.step_s)
        detector = _series("detector_threshold", 0, epsilons[0]["values"] if epsilons else [])
        threshold = self.store.latest_threshold(request.satellite_id, request.subsystem)
        return pb.CompareTrendsResponse(raw=raw, prediction=prediction, anomaly_score=score, threshold=threshold or 0.0,
                                        detector_threshold=detector)

    def ListMetrics(self, request, context):
        names = self.vm.label_values("__name__")
        return pb.ListMetricsResponse(metrics=sorted(n for n in names if n.startswith(("smap_", "telemetry_", "satellite_", "inference_"))))

    def ListSpacecraftClasses(self, request, context):
        database = load_mission_database()
        return pb.ListSpacecraftClassesResponse(
            spacecraft_classes=[class_message(database, name) for name in sorted(database.classes)])

    def ListSatellites(self, request, context):
        latest = {name: self.vm.query(f"last_over_time({name}[10m])") for name in
                  ("satellite_battery_soc_percent", "satellite_temperature", "satellite_solar_power",
                   "satellite_latitude", "satellite_longitude")}
        # Last seen: the bus housekeeping where a class sends it, else any of its parameters' values.
        seen = self.vm.query("tlast_over_time(satellite_battery_soc_percent[10m])")
        seen += self.vm.query("max by (satellite_id) (tlast_over_time(telemetry_value[10m]))")
        values: dict[str, dict[str, float]] = {}
        for name, items in latest.items():
            for item in items:
                values.setdefault(item["metric"]["satellite_id"], {})[name] = float(item["value"][1])
        last_seen: dict[str, float] = {}
        for item in seen:
            sat = item["metric"]["satellite_id"]
            last_seen[sat] = max(last_seen.get(sat, 0.0), float(item["value"][1]))
            values.setdefault(sat, {})
        anomalous = self.store.open_alert_subsystems()
        out = []
        for sat in sorted(values):
            v = values[sat]
            summary = pb.SatelliteSummary(
                satellite_id=sat, battery_soc_percent=v.get("satellite_battery_soc_percent", 0.0),
                obc_temperature_c=v.get("satellite_temperature", 0.0), solar_power_w=v.get("satellite_solar_power", 0.0),
                latitude_deg=v.get("satellite_latitude", 0.0), longitude_deg=v.get("satellite_longitude", 0.0),
                anomalous_subsystems=sorted(anomalous.get(sat, [])),
                spacecraft_class=entry.spacecraft_class if (entry := self.fleet.entry(sat)) else "")
            if sat in last_seen:
                summary.last_seen_time.FromNanoseconds(int(last_seen[sat] * 1e9))
            out.append(summary)
        return pb.ListSatellitesResponse(satellites=out)

    # --- jobs, stats, results ----------------------------------------------------------------------

    def ListJobs(self, request, context):
        size = page_size(request.page_size)
        self._known_satellite(request.satellite_id)
        cursor = decode_page_token(request.page_token)
        jobs, token = self.jobs.list_jobs(size, cursor, request.satellite_id, request.state, request.source)
        return pb.ListJobsResponse(jobs=jobs, next_page_token=token)

    def GetJobStats(self, request, context):
        end = request.end_time.ToDatetime(tzinfo=timezone.utc) if request.HasField("end_time") else datetime.now(timezone.utc)
        start = request.start_time.ToDatetime(tzinfo=timezone.utc) if request.HasField("start_time") else end - timedelta(hours=24)
        check_span(start.timestamp(), end.timestamp())
        return self.store.job_stats(start, end)

    def SearchResults(self, request, context):
        size = page_size(request.page_size)
        self._known_satellite(request.satellite_id)
        known_subsystem(request.subsystem)
        if request.HasField("start_time"):
            check_span(_seconds(request.start_time) or 0.0, _seconds(request.end_time) or time.time())
        cursor = decode_page_token(request.page_token, numeric_key=True)
        results, token = self.store.search_results(request, size, cursor)
        return pb.SearchResultsResponse(results=results, next_page_token=token)

    # --- alerts ------------------------------------------------------------------------------------

    def GetDetectionQuality(self, request, context):
        self._known_satellite(request.satellite_id)
        quality = self.store.detection_quality(request.satellite_id)
        return pb.GetDetectionQualityResponse(
            labelled_streams=quality.labelled_streams, labelled_sequences=quality.labelled_sequences,
            detected_sequences=quality.detected_sequences, false_alerts=quality.false_alerts,
            event_precision=quality.precision, event_recall=quality.recall, event_f1=quality.f1,
            judged_true_anomalies=quality.true_anomalies, judged_known_events=quality.known_events,
            judged_false_alarms=quality.false_alarms, judged_precision=quality.judged_precision,
            judged_missed=quality.missed, judged_recall=quality.judged_recall)

    def MarkMissedAnomaly(self, request, context):
        self._known_satellite(request.satellite_id)
        subsystem_of(self.fleet.subsystems_of(request.satellite_id), request.subsystem)
        start, end = request.start_time.ToDatetime(timezone.utc), request.end_time.ToDatetime(timezone.utc)
        if end <= start:
            raise InvalidArgument("end_time", "must be after start_time")
        operator = caller() or "anonymous"
        missed_id, covered = self.store.mark_missed(request.satellite_id, request.subsystem, start, end, operator,
                                                    request.comment)
        return pb.MarkMissedAnomalyResponse(missed_id=str(missed_id), operator_name=operator, covered_by_alert=covered)

    # --- exports (CSV, streamed a piece at a time) --------------------------------------------------

    def ExportTelemetry(self, request, context):
        # Checked before the first piece, so a bad request is an error, not an empty download.
        self._known_satellite(request.satellite_id)
        view = subsystem_of(self.fleet.subsystems_of(request.satellite_id), request.subsystem)
        indices = select_parameters(view, list(request.parameters), [])
        names = series_names(view)
        end = _seconds(request.end_time) or time.time()
        start = _seconds(request.start_time) or end - 3600
        check_span(start, end)
        columns = [names.label_value(view, i) for i in indices]
        titles = [column_title(p.name, p.unit) for p in (view.definition.parameters[i] for i in indices)]
        selector = feature_query(names.raw, request.satellite_id, request.subsystem, columns, 1, names.label)

        def pieces():
            yield httpbody_pb2.HttpBody(content_type=CSV, data=telemetry_header(titles).encode())
            for piece_start, piece_end in time_chunks(start, end):
                # VictoriaMetrics' range is inclusive at both ends; a piece excludes its end.
                exported = self.vm.export(selector, piece_start, piece_end - 0.001)
                series = {item["metric"].get(names.label, ""): (item["timestamps"], item["values"])
                          for item in exported}
                yield httpbody_pb2.HttpBody(content_type=CSV, data=telemetry_rows(columns, series).encode())
        return pieces()

    def ExportAlerts(self, request, context):
        self._known_satellite(request.satellite_id)
        known_subsystem(request.subsystem)

        def pieces():
            yield httpbody_pb2.HttpBody(content_type=CSV, data=alerts_header().encode())
            cursor = None
            while True:
                alerts, token = self.store.list_alerts(EXPORT_PAGE, cursor, request.satellite_id, request.state,
                                                       request.subsystem, request.severity, request.kind,
                                                       request.disposition, include_shelved=True)
                yield httpbody_pb2.HttpBody(content_type=CSV, data=alert_rows(alerts).encode())
                if not token:
                    return
                cursor = decode_page_token(token, numeric_key=True)
        return pieces()

    def ListAlerts(self, request, context):
        size = page_size(request.page_size)
        self._known_satellite(request.satellite_id)
        known_subsystem(request.subsystem)
        cursor = decode_page_token(request.page_token, numeric_key=True)
        alerts, token = self.store.list_alerts(size, cursor, request.satellite_id, request.state, request.subsystem,
                                               request.severity, request.kind, request.disposition)
        return pb.ListAlertsResponse(alerts=alerts, next_page_token=token)

    def _change(self, request, decide):
        """One operator's change, by a rule of satmon_ops.domain.alarms: decide(alarm, operator, now)."""
        # With authentication on, the operator is the token's name; the request's field only
        # names someone when there is no token to say who it is.
        operator = caller() or request.operator_name or "anonymous"
        try:
            return self.store.change(request.alert_id, lambda alarm, now: decide(alarm, operator, now))
        except AlertNotFound as exc:
            raise NotFound("ALERT_NOT_FOUND", f"alert {request.alert_id} does not exist",
                           alert_id=request.alert_id) from exc

    def AcknowledgeAlert(self, request, context):
        return pb.AcknowledgeAlertResponse(alert=self._change(
            request, lambda alarm, who, now: alarms.acknowledge(alarm, who, now, request.comment)))

    def ResolveAlert(self, request, context):
        disposition = _DISPOSITIONS.get(request.disposition)
        return pb.ResolveAlertResponse(alert=self._change(
            request, lambda alarm, who, now: alarms.resolve(alarm, disposition, who, now, tuple(request.tags),
                                                            request.comment)))

    def ShelveAlert(self, request, context):
        duration = request.duration.ToTimedelta()
        return pb.ShelveAlertResponse(alert=self._change(
            request, lambda alarm, who, now: alarms.shelve(alarm, duration, who, now, request.comment)))

    def UnshelveAlert(self, request, context):
        return pb.UnshelveAlertResponse(alert=self._change(
            request, lambda alarm, who, now: alarms.unshelve(alarm, who, now, request.comment)))

    def AssignAlert(self, request, context):
        return pb.AssignAlertResponse(alert=self._change(
            request, lambda alarm, who, now: alarms.assign(alarm, request.assignee, who, now, request.comment)))

    # --- health --------------------------------------------------------------------------------------

    def CheckHealth(self, request, context):
        checks = []
        for name, probe in (("postgresql", self.store.ping), ("victoria-metrics", lambda: self.vm.query("1", timeout=2))):
            try:
                probe()
                checks.append(pb.DependencyHealth(name=name, healthy=True))
            except Exception as exc:  # noqa: BLE001 - any failure means unhealthy; say which
                checks.append(pb.DependencyHealth(name=name, healthy=False, detail=str(exc)[:200]))
        status = "SERVING" if all(c.healthy for c in checks) else "DEGRADED"
        if status != "SERVING":
            raise TransientError("; ".join(f"{c.name}: {c.detail}" for c in checks if not c.healthy),
                                 reason="DEPENDENCY_UNHEALTHY")
        return pb.CheckHealthResponse(status=status, dependencies=checks)

    # --- live stream -------------------------------------------------------------------------------

    def StreamEvents(self, request, context):
        q = self.hub.subscribe()
        try:
            while context.is_active():
                try:
                    event = q.get(timeout=1.0)
                except queue.Empty:
                    continue
                sat = event.result.satellite_id or event.alert.satellite_id
                if request.satellite_id and sat and sat != request.satellite_id:
                    continue
                yield event
        finally:
            self.hub.unsubscribe(q)
