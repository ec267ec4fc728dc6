import { useCallback, useEffect, useState } from "react";
import { errorText, ops, useNewestLoad, useTokenVersion } from "../api";
import { useEvents, useTick } from "../events";
import { ago, seconds, utc } from "../format";
import { allSubsystems, useSpacecraftClasses } from "../mission";
import type { SatelliteSummary, StreamEventsResponse } from "../gen/satmon/ops/v1/ops_service_pb";
import { navigate } from "../route";

// A satellite silent for longer than this is drawn as stale rather than nominal.
const STALE_SECONDS = 120;

const LEGEND: [string, string][] = [
  ["nominal", "scored recently, no alert"], ["alert", "open alert"], ["anomaly", "open alert, latest window anomalous"],
  ["stale", `no telemetry for ${STALE_SECONDS} s`], ["unknown", "never scored"],
];

type Sort = "satellite" | "last seen" | "alerts" | "battery";

// Satellites x subsystems, coloured by anomaly state, with each satellite's housekeeping. The list
// reloads when the server pushes an alert or statistics event (StreamEvents), not on a timer; the
// last-seen clock advances with each live result.
export function Fleet({ params }: { params: URLSearchParams }) {
  const [satellites, setSatellites] = useState<SatelliteSummary[]>();
  const [live, setLive] = useState<Record<string, boolean>>({});
  const [seen, setSeen] = useState<Record<string, number>>({});
  const [error, setError] = useState("");
  const tokenVersion = useTokenVersion();
  useTick(5000); // re-render every 5 s so last-seen times and stale markers advance
  const now = Date.now();
  const alertingOnly = params.get("alerting") === "1";
  const subsystem = params.get("subsystem") ?? "";
  const classes = useSpacecraftClasses(tokenVersion);
  const sort = (params.get("sort") ?? "satellite") as Sort;
  const set = (changes: Record<string, string | number | undefined>) =>
    navigate("fleet", { alerting: alertingOnly ? 1 : undefined, subsystem: subsystem || undefined, sort, ...changes });

  const beginLoad = useNewestLoad();
  const load = useCallback(async () => {
    const isNewest = beginLoad();
    try {
      const { satellites } = await ops.listSatellites({});
      if (!isNewest()) return;
      setSatellites(satellites);
      setError("");
    } catch (e) {
      if (isNewest()) setError(errorText(e));
    }
  }, [beginLoad]);
  useEffect(() => {
    void load();
  }, [load, tokenVersion]);
  useEvents(
    useCallback((event: StreamEventsResponse) => {
      if (event.event.case === "result") {
        const r = event.event.value;
        setLive((prev) => ({ ...prev, [`${r.satelliteId}/${r.subsystem}`]: r.isAnomaly }));
        const last = seconds(r.sampleTimes[r.sampleTimes.length - 1]);
        setSeen((prev) => (last > (prev[r.satelliteId] ?? 0) ? { ...prev, [r.satelliteId]: last } : prev));
      } else {
        void load();
      }
    }, [load]),
  );

  if (!satellites) {
    return <section><h2>Fleet</h2>{error ? <p className="error">{error}</p> : <p className="muted">loading…</p>}</section>;
  }
  const lastSeen = (sat: SatelliteSummary) => Math.max(seconds(sat.lastSeenTime), seen[sat.satelliteId] ?? 0);
  const isStale = (sat: SatelliteSummary) => now / 1000 - lastSeen(sat) > STALE_SECONDS;
  const alerting = satellites.filter((s) => s.anomalousSubsystems.length > 0);
  const shown = satellites
    .filter((s) => !alertingOnly || s.anomalousSubsystems.length > 0)
    .filter((s) => !subsystem || !alertingOnly || s.anomalousSubsystems.includes(subsystem))
    .sort((a, b) => sort === "last seen" ? lastSeen(b) - lastSeen(a)
      : sort === "alerts" ? b.anomalousSubsystems.length - a.anomalousSubsystems.length
      : sort === "battery" ? a.batterySocPercent - b.batterySocPercent
      : a.satelliteId.localeCompare(b.satelliteId));
  // Columns: the subsystems of the classes the listed satellites fly, in the order their first
  // satellite appears (classes nobody flies add no empty columns).
  const flown = [...new Set(satellites.map((s) => s.spacecraftClass))]
    .map((name) => classes.find((c) => c.name === name)).filter((c) => c !== undefined);
  const columns = allSubsystems(flown.length ? flown : classes).filter((s) => !subsystem || s.name === subsystem);

  return (
    <section>
      <h2>Fleet</h2>
      <div className="cards" data-testid="fleet-counts">
        <div className="card"><b>{satellites.length}</b>satellites</div>
        <div className="card"><b>{alerting.length}</b>alerting</div>
        <div className="card"><b>{satellites.filter(isStale).length}</b>stale (&gt; {STALE_SECONDS} s)</div>
      </div>
      <div className="controls">
        <label><input type="checkbox" checked={alertingOnly} aria-label="alerting only"
                      onChange={(e) => set({ alerting: e.target.checked ? 1 : undefined })} /> alerting only</label>
        <select value={subsystem} aria-label="subsystem filter" onChange={(e) => set({ subsystem: e.target.value || undefined })}>
          <option value="">all subsystems</option>
          {allSubsystems(classes).map((s) => <option key={s.name} value={s.name}>{s.displayName}</option>)}
        </select>
        <label>sort <select value={sort} aria-label="sort" onChange={(e) => set({ sort: e.target.value })}>
          {(["satellite", "last seen", "alerts", "battery"] as Sort[]).map((s) => <option key={s}>{s}</option>)}
        </select></label>
        <span className="legend" data-testid="legend">
          {LEGEND.map(([state, meaning]) => <span key={state}><i className={`cell ${state}`} />{meaning}</span>)}
        </span>
      </div>
      {error && <p className="error">{error}</p>}
      <table className="fleet">
        <thead>
          <tr>
            <th>satellite</th>
            {columns.map((s) => <th key={s.name} title={s.displayName}>{s.name.toUpperCase()}</th>)}
            <th>last seen (UTC)</th><th>battery</th><th>OBC temp</th><th>solar</th><th>position</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((sat) => {
            const stale = isStale(sat);
            return (
              <tr key={sat.satelliteId} data-satellite={sat.satelliteId} className={stale ? "stale" : ""}>
                <td>{sat.satelliteId}</td>
                {columns.map((s) => {
                  const key = `${sat.satelliteId}/${s.name}`;
                  const alert = sat.anomalousSubsystems.includes(s.name);
                  const ofClass = !classes.length || (classes.find((c) => c.name === sat.spacecraftClass)?.subsystems
                    .some((d) => d.name === s.name) ?? true);
                  if (!ofClass) return <td key={s.name} className="none" title={`${sat.spacecraftClass} has no ${s.name}`} />;
                  // Colours follow the detector's alerts; a single window above the model's normal level
                  // is not an alert, so it only deepens the colour of a subsystem already alerting.
                  const state = alert ? (live[key] ? "anomaly" : "alert")
                    : stale ? (lastSeen(sat) > 0 ? "stale" : "unknown") : "nominal";
                  return (
                    <td key={s.name} className={`cell ${state}`} title={`${s.displayName}: ${state}`}
                        onClick={() => navigate("trends", { satellite: sat.satelliteId, subsystem: s.name })}>
                      {state === "anomaly" ? "!" : state === "alert" ? "•" : ""}
                    </td>
                  );
                })}
                <td data-testid="last-seen">{utc(lastSeen(sat))} ({ago(lastSeen(sat), now)}){stale && <b className="badge">STALE</b>}</td>
                <td>{sat.batterySocPercent.toFixed(0)} %</td>
                <td>{sat.obcTemperatureC.toFixed(1)} °C</td>
                <td>{sat.solarPowerW.toFixed(0)} W</td>
                <td>{sat.latitudeDeg.toFixed(1)}, {sat.longitudeDeg.toFixed(1)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {!shown.length && <p className="muted">no satellite matches the filters</p>}
    </section>
  );
}
