import { Fragment, useCallback, useEffect, useState } from "react";
import { downloadCsv, enumName, errorText, ops, useNewestLoad, useTokenVersion } from "../api";
import { useEvents } from "../events";
import { seconds, when } from "../format";
import { allSubsystems, subsystemLabel, useSpacecraftClasses } from "../mission";
import { AlertDispositionSchema, AlertSeveritySchema, AlertState, AlertStateSchema, type Alert } from "../gen/satmon/ops/v1/alert_pb";
import type { StreamEventsResponse } from "../gen/satmon/ops/v1/ops_service_pb";
import { navigate } from "../route";
import { AlertLifecycle, DISPOSITION, SEVERITY, SeverityBadge } from "./AlertLifecycle";

const STATE = { [AlertState.OPEN]: "open", [AlertState.ACKNOWLEDGED]: "acknowledged", [AlertState.CLOSED]: "closed", [AlertState.RESOLVED]: "resolved",
                [AlertState.SHELVED]: "shelved" } as Record<number, string>;
const PAGE_SIZE = 25;

// The copy of an alert to show: the one that arrived, unless it is older than the one held. A live
// event read before an operator's acknowledgement can arrive after the acknowledgement's answer, and
// must not take the acknowledgement back off the page.
function newer(held: Alert, arrived: Alert): Alert {
  const time = (a: Alert) => (a.updateTime ? Number(a.updateTime.seconds) * 1e9 + a.updateTime.nanos : 0);
  return time(arrived) < time(held) ? held : arrived;
}

// Alerts with filters (state, severity, disposition, satellite, subsystem) and pages, all in the URL. New and changed
// alerts arrive live over the event stream. Each row has its own comment box; the server records
// who acknowledged from the bearer token and keeps every acknowledgement (the history row).
// A listing remembers the filters it answered: rows of the previous filters are never shown
// under new ones (the table says "loading" until the new answer), and a late answer to filters
// the operator has already left is dropped instead of overwriting the current one.
export function Alerts({ params }: { params: URLSearchParams }) {
  const state = Number(params.get("state") ?? 0);
  const satellite = params.get("satellite") ?? "";
  const subsystem = params.get("subsystem") ?? "";
  const severity = Number(params.get("severity") ?? 0);
  const disposition = Number(params.get("disposition") ?? 0);
  const query = JSON.stringify([state, satellite, subsystem, severity, disposition]);
  const [listing, setListing] = useState<{ query: string; alerts: Alert[] }>();
  const alerts = listing?.query === query ? listing.alerts : undefined;
  const setAlerts = useCallback((update: (prev: Alert[]) => Alert[]) =>
    setListing((prev) => (prev ? { ...prev, alerts: update(prev.alerts) } : prev)), []);
  const beginLoad = useNewestLoad();  // a late answer to filters or a page the operator has left is dropped
  const [pages, setPages] = useState<string[]>([""]); // page tokens seen: pages[i] opens page i
  const [next, setNext] = useState("");
  const [comments, setComments] = useState<Record<string, string>>({});
  const [open, setOpen] = useState<Record<string, boolean>>({});
  const [detail, setDetail] = useState<Record<string, boolean>>({});
  const [draft, setDraft] = useState(satellite);
  const [error, setError] = useState("");
  const tokenVersion = useTokenVersion();
  const classes = useSpacecraftClasses(tokenVersion);
  const page = pages.length - 1;
  const filters = { state: state || undefined, satellite: satellite || undefined, subsystem: subsystem || undefined,
                    severity: severity || undefined, disposition: disposition || undefined };

  const load = useCallback(async (token: string) => {
    const isNewest = beginLoad();
    try {
      const reply = await ops.listAlerts({ pageSize: PAGE_SIZE, pageToken: token, satelliteId: satellite, state, subsystem,
                                             severity, disposition });
      if (!isNewest()) return;
      setListing({ query, alerts: reply.alerts });
      setNext(reply.nextPageToken);
      setError("");
    } catch (e) {
      if (!isNewest()) return;
      setListing({ query, alerts: [] });
      setError(errorText(e));
    }
  }, [query, satellite, state, subsystem, severity, disposition, beginLoad]);
  useEffect(() => {
    setPages([""]);
    void load("");
  }, [load, tokenVersion]);
  useEffect(() => setDraft(satellite), [satellite]);

  // The server's default list leaves shelved alerts out (as Yamcs does); the live updates follow suit.
  const matches = useCallback((a: Alert) => (state ? a.state === state : a.state !== AlertState.SHELVED)
    && (!satellite || a.satelliteId === satellite) && (!subsystem || a.subsystem === subsystem)
    && (!severity || a.severity === severity) && (!disposition || a.disposition === disposition),
    [state, satellite, subsystem, severity, disposition]);
  useEvents(
    useCallback((event: StreamEventsResponse) => {
      if (event.event.case !== "alert") return;
      const alert = event.event.value;
      setAlerts((prev) => {
        if (prev.some((a) => a.alertId === alert.alertId)) {
          return prev.map((a) => (a.alertId === alert.alertId ? newer(a, alert) : a)).filter(matches);
        }
        // A new alert belongs on the first page; later pages keep their place.
        return page === 0 && matches(alert) ? [alert, ...prev].slice(0, PAGE_SIZE) : prev;
      });
    }, [matches, page, setAlerts]),
  );

  async function act(alert: Alert, verb: "acknowledge" | "resolve") {
    try {
      const request = { alertId: alert.alertId, comment: comments[alert.alertId] ?? "" };
      const updated = verb === "acknowledge" ? (await ops.acknowledgeAlert(request)).alert : (await ops.resolveAlert(request)).alert;
      if (updated) setAlerts((prev) => prev.map((a) => (a.alertId === updated.alertId ? newer(a, updated) : a)));
      setComments((prev) => ({ ...prev, [alert.alertId]: "" }));
      setError("");
    } catch (e) {
      setError(errorText(e));
    }
  }

  function trend(a: Alert) {
    const margin = Math.max(600, (seconds(a.endTime) - seconds(a.startTime)) / 2);
    navigate("trends", { satellite: a.satelliteId, subsystem: a.subsystem, from: Math.floor(seconds(a.startTime) - margin),
                         to: Math.ceil(seconds(a.endTime) + margin) });
  }

  // The alerts the filters select, every page, with their history (GET /v1/alerts:export).
  async function exportCsv() {
    const query = new URLSearchParams();
    if (satellite) query.set("satellite_id", satellite);
    if (subsystem) query.set("subsystem", subsystem);
    if (state) query.set("state", enumName(AlertStateSchema, state));
    if (severity) query.set("severity", enumName(AlertSeveritySchema, severity));
    if (disposition) query.set("disposition", enumName(AlertDispositionSchema, disposition));
    try {
      await downloadCsv(`/v1/alerts:export?${query}`, "satmon-alerts.csv");
    } catch (e) {
      setError(String(e));
    }
  }

  return (
    <section>
      <h2>Alerts</h2>
      <div className="controls">
        <select value={state} aria-label="state filter" onChange={(e) => navigate("alerts", { ...filters, state: Number(e.target.value) || undefined })}>
          <option value={0}>every state</option>
          {Object.entries(STATE).map(([value, name]) => <option key={value} value={value}>{name}</option>)}
        </select>
        <form onSubmit={(e) => { e.preventDefault(); navigate("alerts", { ...filters, satellite: draft.trim() || undefined }); }}>
          <input value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="any satellite" aria-label="satellite filter" />
        </form>
        <select value={subsystem} aria-label="subsystem filter" onChange={(e) => navigate("alerts", { ...filters, subsystem: e.target.value || undefined })}>
          <option value="">every subsystem</option>
          {allSubsystems(classes).map((s) => <option key={s.name} value={s.name}>{s.displayName}</option>)}
        </select>
        <select value={severity} aria-label="severity filter" onChange={(e) => navigate("alerts", { ...filters, severity: Number(e.target.value) || undefined })}>
          <option value={0}>every severity</option>
          {Object.entries(SEVERITY).map(([value, name]) => <option key={value} value={value}>{name}</option>)}
        </select>
        <select value={disposition} aria-label="disposition filter" onChange={(e) => navigate("alerts", { ...filters, disposition: Number(e.target.value) || undefined })}>
          <option value={0}>any disposition</option>
          {Object.entries(DISPOSITION).map(([value, name]) => <option key={value} value={value}>{name}</option>)}
        </select>
        <button onClick={() => void exportCsv()}>export CSV</button>
      </div>
      {error && <p className="error" data-testid="alerts-error">{error}</p>}
      {!alerts ? <p className="muted">loading…</p> : (
        <table data-testid="alerts">
          <thead>
            <tr><th>id</th><th>severity</th><th>satellite</th><th>subsystem</th><th>start (UTC)</th><th>end (UTC)</th><th>peak</th><th>windows</th><th>state</th><th>comment</th><th /></tr>
          </thead>
          <tbody>
            {alerts.map((a) => (
              <Fragment key={a.alertId}>
                <tr data-alert={a.alertId} className={STATE[a.state]}>
                  <td>{a.alertId}</td><td><SeverityBadge alert={a} /></td><td>{a.satelliteId}</td><td title={subsystemLabel(classes, a.subsystem)}>{a.subsystem}</td>
                  <td>{when(a.startTime)}</td><td>{when(a.endTime)}</td><td>{a.peakScore.toFixed(3)}</td>
                  <td>{a.windowCount}</td>
                  <td className="state">
                    {STATE[a.state]}{a.acknowledgedBy ? ` by ${a.acknowledgedBy}` : ""}
                    {a.disposition ? ` · ${DISPOSITION[a.disposition]}` : ""}{a.assignee ? ` · → ${a.assignee}` : ""}
                    {a.acknowledgements.length > 0 && (
                      <button className="link" aria-label="history" onClick={() => setOpen((o) => ({ ...o, [a.alertId]: !o[a.alertId] }))}>
                        {a.acknowledgements.length} ack{a.acknowledgements.length > 1 ? "s" : ""} {open[a.alertId] ? "▴" : "▾"}
                      </button>)}
                  </td>
                  <td>
                    {a.state !== AlertState.RESOLVED && (
                      <input value={comments[a.alertId] ?? ""} placeholder="comment" aria-label={`comment for alert ${a.alertId}`}
                             onChange={(e) => setComments((c) => ({ ...c, [a.alertId]: e.target.value }))} />)}
                  </td>
                  <td>
                    <button onClick={() => trend(a)}>trend</button>
                    {a.state !== AlertState.RESOLVED && <button onClick={() => act(a, "acknowledge")}>acknowledge</button>}
                    {a.state !== AlertState.RESOLVED && <button onClick={() => act(a, "resolve")}>resolve</button>}
                    <button aria-label={`details of alert ${a.alertId}`} onClick={() => setDetail((d) => ({ ...d, [a.alertId]: !d[a.alertId] }))}>
                      details {detail[a.alertId] ? "▴" : "▾"}
                    </button>
                  </td>
                </tr>
                {detail[a.alertId] && (
                  <tr className="detail"><td /><td colSpan={10}>
                    <AlertLifecycle alert={a} onChange={(updated) => setAlerts((prev) => prev.map((x) => (x.alertId === updated.alertId ? newer(x, updated) : x)))} />
                  </td></tr>)}
                {open[a.alertId] && a.acknowledgements.map((k, i) => (
                  <tr key={`${a.alertId}-${i}`} className="history" data-history={a.alertId}>
                    <td /><td colSpan={10}>{when(k.acknowledgeTime)} · {k.operatorName}: {k.comment || "(no comment)"}</td>
                  </tr>
                ))}
              </Fragment>
            ))}
          </tbody>
        </table>
      )}
      {alerts && !alerts.length && !error && <p className="muted">no alerts match the filters</p>}
      <div className="pager">
        <button disabled={page === 0} onClick={() => { const prev = pages.slice(0, -1); setPages(prev); void load(prev[prev.length - 1]); }}>◀ newer</button>
        <span data-testid="alerts-page">page {page + 1}</span>
        <button disabled={!next} onClick={() => { setPages([...pages, next]); void load(next); }}>older ▶</button>
      </div>
    </section>
  );
}
