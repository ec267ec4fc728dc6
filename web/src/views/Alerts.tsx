import { useCallback, useEffect, useState } from "react";
import { ops } from "../api";
import { useEvents } from "../events";
import { subsystemName, when } from "../format";
import { AlertState, type Alert } from "../gen/satmon/ops/v1/alert_pb";
import type { StreamEventsResponse } from "../gen/satmon/ops/v1/ops_service_pb";

const STATE = { [AlertState.OPEN]: "open", [AlertState.ACKNOWLEDGED]: "acknowledged", [AlertState.CLOSED]: "closed", [AlertState.RESOLVED]: "resolved" } as Record<number, string>;

// Alerts arrive live over the event stream; operators acknowledge them with a comment (the server
// records who from the bearer token) and every acknowledgement is kept.
export function Alerts() {
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [comment, setComment] = useState("");
  const [error, setError] = useState("");

  useEffect(() => {
    ops.listAlerts({ pageSize: 100 }).then((r) => setAlerts(r.alerts), (e) => setError(String(e)));
  }, []);
  useEvents(
    useCallback((event: StreamEventsResponse) => {
      if (event.event.case !== "alert") return;
      const alert = event.event.value;
      setAlerts((prev) => [alert, ...prev.filter((a) => a.alertId !== alert.alertId)].slice(0, 200));
    }, []),
  );

  async function act(alert: Alert, verb: "acknowledge" | "resolve") {
    try {
      const request = { alertId: alert.alertId, comment };
      const updated = verb === "acknowledge" ? (await ops.acknowledgeAlert(request)).alert : (await ops.resolveAlert(request)).alert;
      if (updated) setAlerts((prev) => prev.map((a) => (a.alertId === updated.alertId ? updated : a)));
      setError("");
    } catch (e) {
      setError(String(e));
    }
  }

  return (
    <section>
      <h2>Alerts</h2>
      <div className="controls">
        <input value={comment} onChange={(e) => setComment(e.target.value)} placeholder="comment" aria-label="comment" />
      </div>
      {error && <p className="error">{error}</p>}
      <table data-testid="alerts">
        <thead>
          <tr><th>id</th><th>satellite</th><th>subsystem</th><th>start</th><th>end</th><th>peak</th><th>windows</th><th>state</th><th /></tr>
        </thead>
        <tbody>
          {alerts.map((a) => (
            <tr key={a.alertId} data-alert={a.alertId} className={STATE[a.state]}>
              <td>{a.alertId}</td><td>{a.satelliteId}</td><td>{subsystemName(a.subsystem)}</td>
              <td>{when(a.startTime)}</td><td>{when(a.endTime)}</td><td>{a.peakScore.toFixed(3)}</td>
              <td>{a.windowCount}</td>
              <td className="state" title={a.acknowledgements.map((k) => `${k.operatorName}: ${k.comment}`).join("\n")}>
                {STATE[a.state]}{a.acknowledgedBy ? ` by ${a.acknowledgedBy}` : ""}
                {a.acknowledgements.length > 1 ? ` (+${a.acknowledgements.length - 1})` : ""}</td>
              <td>
                {(a.state === AlertState.OPEN || (a.state === AlertState.CLOSED && !a.acknowledgedBy)) && <button onClick={() => act(a, "acknowledge")}>acknowledge</button>}
                {a.state !== AlertState.RESOLVED && <button onClick={() => act(a, "resolve")}>resolve</button>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
