import { useCallback, useEffect, useState } from "react";
import { ops } from "../api";
import { useEvents } from "../events";
import { subsystemName } from "../format";
import type {
  GetDetectionQualityResponse, GetJobStatsResponse, StreamEventsResponse,
} from "../gen/satmon/ops/v1/ops_service_pb";

// Live event-wise precision and recall of the alerts against the labels of the replayed SMAP rows
// (the simulator's ground truth; the detector never sees it). Refreshed when an alert changes and
// with each pushed statistics event.
function DetectionQuality() {
  const [quality, setQuality] = useState<GetDetectionQualityResponse>();
  const [error, setError] = useState<string>();
  const load = useCallback(() => {
    ops.getDetectionQuality({}).then((q) => { setQuality(q); setError(undefined); }, (e) => setError(String(e)));
  }, []);
  useEffect(load, [load]);
  useEvents(useCallback((event: StreamEventsResponse) => {
    if (event.event.case === "alert" || event.event.case === "stats") load();
  }, [load]));
  if (error) return <p className="error">detection quality: {error}</p>;
  if (!quality) return <p className="muted">loading…</p>;
  if (!quality.labelledStreams) return <p className="muted">no labelled replay yet (satmon simulate sends labels)</p>;
  return (
    <div className="cards" data-testid="detection-quality">
      <div className="card"><b>{quality.eventPrecision.toFixed(3)}</b>event precision</div>
      <div className="card"><b>{quality.eventRecall.toFixed(3)}</b>event recall</div>
      <div className="card"><b>{quality.eventF1.toFixed(3)}</b>event F1</div>
      <div className="card"><b>{String(quality.detectedSequences)} / {String(quality.labelledSequences)}</b>labelled sequences detected</div>
      <div className="card"><b>{String(quality.falseAlerts)}</b>false alerts</div>
    </div>
  );
}

export function Stats() {
  const [stats, setStats] = useState<GetJobStatsResponse>();
  useEffect(() => {
    ops.getJobStats({}).then(setStats, () => undefined);
  }, []);
  useEvents(useCallback((event: StreamEventsResponse) => {
    if (event.event.case === "stats") setStats(event.event.value);
  }, []));
  if (!stats) return <section><h2>Job statistics</h2><p className="muted">loading…</p></section>;
  return (
    <section>
      <h2>Live detection vs the replay's labels</h2>
      <DetectionQuality />
      <h2>Job statistics</h2>
      <div className="cards">
        <div className="card"><b>{String(stats.totalJobs)}</b>jobs</div>
        <div className="card"><b>{String(stats.completedJobs)}</b>completed</div>
        <div className="card"><b>{String(stats.failedJobs)}</b>failed</div>
        <div className="card"><b>{String(stats.processingJobs)}</b>processing</div>
        <div className="card"><b>{(stats.successRate * 100).toFixed(1)} %</b>success</div>
        <div className="card"><b>{stats.jobsPerHour.toFixed(0)}</b>jobs / hour</div>
      </div>
      <table>
        <thead><tr><th>subsystem</th><th>windows</th><th>anomaly rate</th><th>mean score</th></tr></thead>
        <tbody>
          {stats.subsystemStats.map((s) => (
            <tr key={s.subsystem}><td>{subsystemName(s.subsystem)}</td><td>{String(s.inferenceCount)}</td>
              <td>{(s.anomalyRate * 100).toFixed(2)} %</td><td>{s.meanScore.toFixed(4)}</td></tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
