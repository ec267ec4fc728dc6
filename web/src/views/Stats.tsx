import { useCallback, useEffect, useState } from "react";
import { ops } from "../api";
import { useEvents } from "../events";
import { subsystemName } from "../format";
import type { GetJobStatsResponse, StreamEventsResponse } from "../gen/satmon/ops/v1/ops_service_pb";

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
