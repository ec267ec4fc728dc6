import { useState } from "react";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { errorText, ops } from "../api";
import { when } from "../format";
import { AlertAction, AlertDisposition, AlertSeverity, AlertState, type Alert } from "../gen/satmon/ops/v1/alert_pb";

export const SEVERITY = { [AlertSeverity.WARNING]: "warning", [AlertSeverity.CRITICAL]: "critical" } as Record<number, string>;
export const DISPOSITION = {
  [AlertDisposition.TRUE_ANOMALY]: "true anomaly",
  [AlertDisposition.FALSE_ALARM]: "false alarm",
  [AlertDisposition.KNOWN_EVENT]: "known event",
} as Record<number, string>;
const ACTION = {
  [AlertAction.ACKNOWLEDGE]: "acknowledged", [AlertAction.SHELVE]: "shelved", [AlertAction.UNSHELVE]: "unshelved",
  [AlertAction.ASSIGN]: "assigned", [AlertAction.RESOLVE]: "resolved",
} as Record<number, string>;
// Shelve durations an operator picks from (the server accepts up to 7 days).
const SHELVE_MINUTES = [15, 60, 240, 1440];

export function SeverityBadge({ alert }: { alert: Alert }) {
  const name = SEVERITY[alert.severity] ?? "warning";
  return <span className={`severity ${name}`} data-severity={name}>{name}</span>;
}

// The alert's detail: its history of operators' changes and the lifecycle actions (shelve for a
// while, unshelve, assign, resolve with a disposition and tags). The server decides what is
// allowed and records the operator from the token; errors are shown as the server words them.
export function AlertLifecycle({ alert, onChange }: { alert: Alert; onChange: (alert: Alert) => void }) {
  const [minutes, setMinutes] = useState(SHELVE_MINUTES[1]);
  const [assignee, setAssignee] = useState(alert.assignee);
  const [disposition, setDisposition] = useState(AlertDisposition.TRUE_ANOMALY);
  const [tags, setTags] = useState("");
  const [comment, setComment] = useState("");
  const [error, setError] = useState("");
  const resolved = alert.state === AlertState.RESOLVED;

  async function run(call: () => Promise<{ alert?: Alert }>) {
    try {
      const reply = await call();
      if (reply.alert) onChange(reply.alert);
      setComment("");
      setError("");
    } catch (e) {
      setError(errorText(e));
    }
  }
  const base = { alertId: alert.alertId, comment };

  return (
    <div className="lifecycle" data-lifecycle={alert.alertId}>
      <ol className="changes">
        {alert.history.map((c, i) => (
          <li key={i}>
            {when(c.changeTime)} · {c.operatorName} {ACTION[c.action]}
            {c.action === AlertAction.SHELVE && c.shelveEndTime ? ` until ${when(c.shelveEndTime)}` : ""}
            {c.action === AlertAction.ASSIGN ? ` to ${c.assignee}` : ""}
            {c.action === AlertAction.RESOLVE && c.disposition ? ` as ${DISPOSITION[c.disposition]}` : ""}
            {c.tags.length ? ` [${c.tags.join(", ")}]` : ""}
            {c.comment ? `: ${c.comment}` : ""}
          </li>
        ))}
        {!alert.history.length && <li className="muted">no changes yet</li>}
      </ol>
      {!resolved && (
        <div className="controls">
          <input value={comment} onChange={(e) => setComment(e.target.value)} placeholder="comment" aria-label="lifecycle comment" />
          {alert.state === AlertState.SHELVED ? (
            <button onClick={() => run(() => ops.unshelveAlert(base))}>unshelve</button>
          ) : (
            <>
              <select value={minutes} aria-label="shelve duration" onChange={(e) => setMinutes(Number(e.target.value))}>
                {SHELVE_MINUTES.map((m) => <option key={m} value={m}>{m < 60 ? `${m} min` : `${m / 60} h`}</option>)}
              </select>
              <button onClick={() => run(() => ops.shelveAlert({ ...base, duration: durationFromMs(minutes * 60_000) }))}>shelve</button>
            </>
          )}
          <input value={assignee} onChange={(e) => setAssignee(e.target.value)} placeholder="operator" aria-label="assignee" />
          <button onClick={() => run(() => ops.assignAlert({ ...base, assignee }))}>assign</button>
          <select value={disposition} aria-label="disposition" onChange={(e) => setDisposition(Number(e.target.value))}>
            {Object.entries(DISPOSITION).map(([value, name]) => <option key={value} value={value}>{name}</option>)}
          </select>
          <input value={tags} onChange={(e) => setTags(e.target.value)} placeholder="tags, comma separated" aria-label="tags" />
          <button onClick={() => run(() => ops.resolveAlert({
            ...base, disposition, tags: tags.split(",").map((t) => t.trim()).filter(Boolean) }))}>resolve as</button>
        </div>
      )}
      {error && <p className="error" data-testid="lifecycle-error">{error}</p>}
    </div>
  );
}
