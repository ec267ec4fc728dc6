import { useCallback, useEffect, useState } from "react";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { errorText, ops, useNewestLoad, useTokenVersion } from "../api";
import { useEvents } from "../events";
import { when } from "../format";
import { subsystemLabel, useSpacecraftClasses } from "../mission";
import type {
  GetDetectionQualityResponse, GetJobStatsResponse, StreamEventsResponse,
} from "../gen/satmon/ops/v1/ops_service_pb";
import { navigate } from "../route";

const PERIODS: Record<string, number> = { "1h": 3600, "24h": 86400, "7d": 7 * 86400 };

// Live event-wise precision and recall of the alerts against the labels of the replayed SMAP rows
// (the simulator's ground truth; the detector never sees it). Refreshed when an alert changes and
// with each pushed statistics event.
function DetectionQuality({ version }: { version: number }) {
  const [quality, setQuality] = useState<GetDetectionQualityResponse>();
  const [error, setError] = useState<string>();
  const beginLoad = useNewestLoad();
  const load = useCallback(() => {
    const isNewest = beginLoad();
    ops.getDetectionQuality({}).then((q) => { if (isNewest()) { setQuality(q); setError(undefined); } },
                                     (e) => { if (isNewest()) setError(errorText(e)); });
  }, [beginLoad]);
  useEffect(load, [load, version]);
  useEvents(useCallback((event: StreamEventsResponse) => {
    if (event.event.case === "alert" || event.event.case === "stats") load();
  }, [load]));
  if (error) return <p className="error">detection quality: {error}</p>;
  if (!quality) return <p className="muted">loading…</p>;
  const judged = Number(quality.judgedTrueAnomalies + quality.judgedKnownEvents + quality.judgedFalseAlarms);
  if (!quality.labelledStreams && !judged) {
    return <p className="muted">no labelled replay and no alert resolved with a disposition yet</p>;
  }
  return (
    <div className="cards" data-testid="detection-quality">
      {quality.labelledStreams > 0 && <>
        <div className="card"><b>{quality.eventPrecision.toFixed(3)}</b>event precision</div>
        <div className="card"><b>{quality.eventRecall.toFixed(3)}</b>event recall</div>
        <div className="card"><b>{quality.eventF1.toFixed(3)}</b>event F1</div>
        <div className="card"><b>{String(quality.detectedSequences)} / {String(quality.labelledSequences)}</b>labelled sequences detected</div>
        <div className="card"><b>{String(quality.falseAlerts)}</b>false alerts</div>
      </>}
      {judged > 0 && <div className="card" data-testid="judged-precision">
        <b>{quality.judgedPrecision.toFixed(3)}</b>precision from operators' dispositions
        ({String(quality.judgedTrueAnomalies)} true, {String(quality.judgedKnownEvents)} known,
        {" "}{String(quality.judgedFalseAlarms)} false alarms, unlabelled streams)
      </div>}
    </div>
  );
}

// Job statistics over a chosen period (in the URL). Every figure says which period it covers;
// jobs per hour is the server's one definition: jobs completed in the period per hour of it.
export function Stats({ params }: { params: URLSearchParams }) {
  const period = params.get("period") ?? "24h";
  const [stats, setStats] = useState<GetJobStatsResponse>();
  const [error, setError] = useState("");
  const version = useTokenVersion();
  const classes = useSpacecraftClasses(version);
  const beginLoad = useNewestLoad();  // a period chosen while the previous one loads must not be overdrawn by it
  const load = useCallback(() => {
    const end = Date.now();
    const isNewest = beginLoad();
    ops.getJobStats({ startTime: timestampFromMs(end - PERIODS[period] * 1000), endTime: timestampFromMs(end) })
      .then((s) => { if (isNewest()) { setStats(s); setError(""); } }, (e) => { if (isNewest()) setError(errorText(e)); });
  }, [period, beginLoad]);
  useEffect(load, [load, version]);
  // The server pushes statistics every 10 s; reload this period's figures when it does.
  useEvents(useCallback((event: StreamEventsResponse) => {
    if (event.event.case === "stats") load();
  }, [load]));

  return (
    <section>
      <h2>Live detection vs the replay's labels</h2>
      <DetectionQuality version={version} />
      <h2>Job statistics</h2>
      <div className="controls">
        {Object.keys(PERIODS).map((p) => (
          <button key={p} className={p === period ? "active" : ""} onClick={() => navigate("stats", { period: p })}>last {p}</button>
        ))}
        {stats && <span className="muted" data-testid="stats-period">period {when(stats.periodStart)} – {when(stats.periodEnd)}</span>}
      </div>
      {error && <p className="error" data-testid="stats-error">{error}</p>}
      {!stats && !error && <p className="muted">loading…</p>}
      {stats && (
        <>
          <div className="cards">
            <div className="card"><b>{String(stats.totalJobs)}</b>jobs created, last {period}</div>
            <div className="card"><b>{String(stats.completedJobs)}</b>completed</div>
            <div className="card"><b>{String(stats.failedJobs)}</b>failed</div>
            <div className="card"><b>{String(stats.processingJobs)}</b>pending or processing</div>
            <div className="card"><b>{(stats.successRate * 100).toFixed(1)} %</b>success</div>
            <div className="card" data-testid="jobs-per-hour"><b>{stats.jobsPerHour.toFixed(0)}</b>jobs / hour (completed, last {period})</div>
          </div>
          <table>
            <thead><tr><th>subsystem</th><th>windows (last {period})</th><th>anomaly rate</th><th>mean score</th></tr></thead>
            <tbody>
              {stats.subsystemStats.map((s) => (
                <tr key={s.subsystem}><td title={subsystemLabel(classes, s.subsystem)}>{s.subsystem}</td><td>{String(s.inferenceCount)}</td>
                  <td>{(s.anomalyRate * 100).toFixed(2)} %</td><td>{s.meanScore.toFixed(4)}</td></tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
