import { useCallback, useEffect, useRef, useState } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { downloadCsv, errorText, ops, useNewestLoad, useTokenVersion } from "../api";
import { useEvents } from "../events";
import { seconds, utc } from "../format";
import { subsystemsOf, useSpacecraftClasses } from "../mission";
import { AlertState, type Alert } from "../gen/satmon/ops/v1/alert_pb";
import type { StreamEventsResponse, TrendSeries } from "../gen/satmon/ops/v1/ops_service_pb";
import { navigate } from "../route";

const RANGES: Record<string, number> = { "1h": 3600, "6h": 21600, "1d": 86400, "1w": 604800 };

// Alert spans, shaded by what an operator still has to do: open red, acknowledged amber, closed
// (the detector saw it end, nobody acknowledged) grey, resolved green.
const SHADE: Record<number, string> = {
  [AlertState.OPEN]: "rgba(239, 83, 80, 0.25)", [AlertState.ACKNOWLEDGED]: "rgba(255, 183, 77, 0.22)",
  [AlertState.CLOSED]: "rgba(144, 164, 174, 0.22)", [AlertState.RESOLVED]: "rgba(102, 187, 106, 0.18)",
};

// "2026-11-23 10:00" in UTC for the range inputs, and back (a browser's datetime picker would show
// local 12-hour time on many machines).
const toInput = (s: number) => new Date(s * 1000).toISOString().slice(0, 16).replace("T", " ");
const fromInput = (v: string) => Date.parse(`${v.trim().replace(" ", "T")}:00Z`) / 1000;

// UTC, 24-hour tick labels; the date only where the range spans days.
function utcTicks(span: number) {
  return (_u: uPlot, splits: number[]) => splits.map((s) => {
    const iso = new Date(s * 1000).toISOString();
    return span > 86400 ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, span < 600 ? 19 : 16);
  });
}

// Raw and predicted points on a regular grid, null where nothing was stored, so a gap in the
// telemetry is drawn as a gap rather than a straight line across it.
export function onGrid(start: number, end: number, step: number, series: (TrendSeries | undefined)[]) {
  const xs: number[] = [];
  for (let t = Math.ceil(start / step) * step; t <= end; t += step) xs.push(t);
  const index = new Map(xs.map((x, i) => [x, i]));
  const columns = series.map((s) => {
    const column: (number | null)[] = new Array(xs.length).fill(null);
    (s?.timesMs ?? []).forEach((ms, i) => {
      const at = index.get(Math.round(Number(ms) / 1000 / step) * step);
      if (at !== undefined) column[at] = s!.values[i];
    });
    return column;
  });
  return { xs, columns };
}

// Raw versus prediction on the chosen range's time axis; below, the anomaly score with the online
// detector's threshold over time (the epsilon alerts are raised at, squared into score units) and
// the model's normal error level; alert spans shaded by state. Everything on screen is in the URL.
export function Trends({ params }: { params: URLSearchParams }) {
  const satellite = params.get("satellite") ?? "SAT-001";
  const subsystem = params.get("subsystem") ?? "acs";
  const feature = Number(params.get("feature") ?? 0);
  const range = params.get("range") ?? (params.get("from") ? "" : "1h");
  const live = params.get("live") === "1";
  const [draft, setDraft] = useState(satellite);
  const [points, setPoints] = useState(0);
  const [threshold, setThreshold] = useState(0);
  const [epsilonPoints, setEpsilonPoints] = useState(0);
  const [error, setError] = useState("");
  const [nowS, setNowS] = useState(() => Date.now() / 1000); // "now" for a relative range, moved by live updates
  const top = useRef<HTMLDivElement>(null);
  const bottom = useRef<HTMLDivElement>(null);
  const plots = useRef<uPlot[]>([]);
  const tokenVersion = useTokenVersion();
  const classes = useSpacecraftClasses(tokenVersion);
  const [satelliteClass, setSatelliteClass] = useState<string>();
  const subsystems = subsystemsOf(classes, satelliteClass);
  const parameters = subsystems.find((s) => s.name === subsystem)?.parameters ?? [];
  const parameter = parameters[feature];
  const unit = parameter?.unit ? ` (${parameter.unit})` : "";

  // The window shown: a relative range ending now, or absolute from/to (seconds, UTC).
  const end = range ? nowS : Number(params.get("to"));
  const start = range ? end - RANGES[range] : Number(params.get("from"));
  const state = { satellite, subsystem, feature, range: range || undefined, from: range ? undefined : start,
                  to: range ? undefined : end, live: live ? 1 : undefined };
  const go = (changes: Record<string, string | number | undefined>) => navigate("trends", { ...state, ...changes });

  // The span on screen (after a drag-zoom, the zoomed span) marked as an anomaly the detector missed:
  // with alert dispositions, the labels live quality counts where no replay carries any.
  const [marked, setMarked] = useState("");
  async function markMissed() {
    const x = plots.current[0]?.scales.x;
    const from = x?.min ?? start, to = x?.max ?? end;
    try {
      const reply = await ops.markMissedAnomaly({ satelliteId: satellite, subsystem, comment: "marked on the trend",
                                                  startTime: timestampFromMs(from * 1000), endTime: timestampFromMs(to * 1000) });
      setMarked(`marked ${utc(from)} – ${utc(to)} as missed by ${reply.operatorName}` +
                (reply.coveredByAlert ? " (an alert already covers it: not counted as missed)" : ""));
    } catch (e) {
      setError(errorText(e));
    }
  }

  // Every parameter of the subsystem over the range shown, one row per second (GET .../telemetry:export).
  async function exportCsv() {
    const iso = (s: number) => new Date(s * 1000).toISOString();
    const query = new URLSearchParams({ subsystem, start: iso(start), end: iso(end) });
    try {
      await downloadCsv(`/v1/satellites/${encodeURIComponent(satellite)}/telemetry:export?${query}`,
                        `${satellite}-${subsystem}-${iso(start).slice(0, 19).replace(/:/g, "")}.csv`);
    } catch (e) {
      setError(String(e));
    }
  }
  useEffect(() => setDraft(satellite), [satellite]);
  useEffect(() => setNowS(Date.now() / 1000), [range]);

  // Loads overlap (the satellite's class arrives while the first one is in flight, a live update comes
  // in): only the newest may draw, or a slower, older answer would draw over it with stale names.
  const beginLoad = useNewestLoad();
  const load = useCallback(async () => {
    const width = top.current?.clientWidth ?? 1000;
    const step = Math.max(1, Math.round((end - start) / width)); // one point per pixel
    const isNewest = beginLoad();
    try {
      const [trend, alerts] = await Promise.all([
        ops.compareTrends({ satelliteId: satellite, subsystem, featureIndices: [feature], stepSeconds: step,
                            startTime: timestampFromMs(start * 1000), endTime: timestampFromMs(end * 1000) }),
        ops.listAlerts({ satelliteId: satellite, subsystem, pageSize: 200 }),
      ]);
      if (!isNewest()) return;
      const { xs, columns } = onGrid(start, end, step, [trend.raw[0], trend.prediction[0], trend.anomalyScore,
                                                         trend.detectorThreshold]);
      ops.listSatellites({}).then((r) => setSatelliteClass(r.satellites.find((s) => s.satelliteId === satellite)?.spacecraftClass),
                                  () => undefined);
      const spans = alerts.alerts.map((a: Alert) => [seconds(a.startTime), seconds(a.endTime), a.state]);
      draw(xs, columns, trend.threshold, spans, start, end);
      setPoints(columns[0].filter((v) => v !== null).length);
      setThreshold(trend.threshold);
      setEpsilonPoints(columns[3].filter((v) => v !== null).length);
      setError("");
    } catch (e) {
      if (!isNewest()) return;
      plots.current.forEach((p) => p.destroy());
      plots.current = [];
      setPoints(0);
      setError(errorText(e));
    }
  }, [satellite, subsystem, feature, start, end, tokenVersion, parameter, beginLoad]);

  function draw(xs: number[], [raw, prediction, score, epsilon]: (number | null)[][], limit: number, spans: number[][],
                from: number, to: number) {
    plots.current.forEach((p) => p.destroy());
    const width = top.current?.clientWidth ?? 1000;
    const shade = (u: uPlot) => {
      const ctx = u.ctx;
      ctx.save();
      for (const [a, b, alertState] of spans) {
        ctx.fillStyle = SHADE[alertState] ?? SHADE[AlertState.OPEN];
        const x0 = u.valToPos(Math.max(a, from), "x", true);
        const x1 = u.valToPos(Math.min(b, to), "x", true);
        if (x1 >= x0) ctx.fillRect(x0, u.bbox.top, Math.max(2, x1 - x0), u.bbox.height);
      }
      ctx.restore();
    };
    const axes = [{ stroke: "#aab", values: utcTicks(to - from) }, { stroke: "#aab" }];
    // The x scale is the chosen range, not the data's extent; drag to zoom, "reset zoom" to return.
    const scales = { x: { time: true, range: (): uPlot.Range.MinMax => [from, to] } };
    const common = { width, axes, scales, hooks: { draw: [shade] }, cursor: { sync: { key: "t" } } };
    // The parameter's limits from the mission database, as level lines: what a limit alarm compares to.
    const limits = parameter?.limits;
    const levels = limits ? ([["red low", limits.redLow, "#ef5350"], ["yellow low", limits.yellowLow, "#fdd835"],
      ["yellow high", limits.yellowHigh, "#fdd835"], ["red high", limits.redHigh, "#ef5350"]] as [string, number | undefined, string][])
      .filter(([, v]) => v !== undefined) : [];
    const a = new uPlot({ ...common, height: 260,
      series: [{ value: (_u, v) => utc(v) }, { label: `${parameter?.name ?? "raw"}${unit}`, stroke: "#4fc3f7" }, { label: "prediction", stroke: "#ffb74d" },
               ...levels.map(([name, v, colour]) => ({ label: `${name} ${v}`, stroke: colour, dash: [4, 4], points: { show: false } }))] },
      [xs, raw, prediction, ...levels.map(([, v]) => xs.map(() => v as number))] as uPlot.AlignedData, top.current!);
    const b = new uPlot({ ...common, height: 160,
      series: [{ value: (_u, v) => utc(v) }, { label: "anomaly score", stroke: "#ef5350" },
               { label: "detector threshold (ε²)", stroke: "#e0e0e0", points: { show: false } },
               { label: `model normal error ${limit.toPrecision(3)}`, stroke: "#8a8f9a", dash: [6, 4], points: { show: false } }] },
      [xs, score, epsilon, xs.map(() => (limit > 0 ? limit : null))] as uPlot.AlignedData, bottom.current!);
    plots.current = [a, b];
  }

  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => () => plots.current.forEach((p) => p.destroy()), []);
  useEvents(
    useCallback((event: StreamEventsResponse) => {
      if (live && range && event.event.case === "result" && event.event.value.satelliteId === satellite) {
        const now = Date.now() / 1000;
        setNowS((prev) => (now - prev >= 5 ? now : prev)); // at most one reload per 5 s
      }
    }, [live, range, satellite]),
  );

  const span = end - start;
  return (
    <section>
      <h2>Trends</h2>
      <div className="controls">
        <form onSubmit={(e) => { e.preventDefault(); go({ satellite: draft.trim() }); }}>
          <input value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="SAT-001" aria-label="satellite" />
        </form>
        <select value={subsystem} onChange={(e) => go({ subsystem: e.target.value, feature: 0 })} aria-label="subsystem">
          {subsystems.map((s) => <option key={s.name} value={s.name}>{s.displayName}</option>)}
        </select>
        <select value={feature} onChange={(e) => go({ feature: Number(e.target.value) })} aria-label="parameter">
          {parameters.map((p, i) => <option key={p.name} value={i} title={p.description}>{p.name}{p.unit ? ` [${p.unit}]` : ""}{p.kind === "command" ? " (command)" : ""}</option>)}
        </select>
        {Object.keys(RANGES).map((r) => (
          <button key={r} className={r === range ? "active" : ""} onClick={() => go({ range: r, from: undefined, to: undefined })}>{r}</button>
        ))}
        <input size={16} aria-label="from (UTC)" defaultValue={toInput(start)} key={`f${start}`}
               onBlur={(e) => fromInput(e.target.value) && go({ range: undefined, from: fromInput(e.target.value), to: end })} />
        <input size={16} aria-label="to (UTC)" defaultValue={toInput(end)} key={`t${end}`}
               onBlur={(e) => fromInput(e.target.value) && go({ range: undefined, from: start, to: fromInput(e.target.value) })} />
        <button aria-label="earlier" onClick={() => go({ range: undefined, from: start - span / 2, to: end - span / 2 })}>◀</button>
        <button aria-label="later" onClick={() => go({ range: undefined, from: start + span / 2, to: end + span / 2 })}>▶</button>
        <button onClick={() => plots.current.forEach((p) => p.setScale("x", { min: start, max: end }))}>reset zoom</button>
        <button onClick={() => void exportCsv()}>CSV</button>
        <button onClick={() => void markMissed()}>mark missed anomaly</button>
        <label><input type="checkbox" checked={live} disabled={!range} onChange={(e) => go({ live: e.target.checked ? 1 : undefined })} /> live</label>
        <span className="muted" data-testid="trend-points">{points} points</span>
        <span className="muted" data-testid="trend-range">{utc(start)} – {utc(end)}</span>
        {marked && <span className="muted" data-testid="marked-missed">{marked}</span>}
        <span className="muted" data-testid="threshold-points">{epsilonPoints} detector threshold points</span>
        {threshold > 0 && <span className="muted">model normal error {threshold.toPrecision(3)}</span>}
      </div>
      {error && <p className="error" data-testid="trend-error">{error}</p>}
      <div ref={top} className="chart" data-testid="trend-chart" />
      <div ref={bottom} className="chart" data-testid="score-chart" />
      <p className="legend">
        {[[AlertState.OPEN, "open"], [AlertState.ACKNOWLEDGED, "acknowledged"], [AlertState.CLOSED, "closed"],
          [AlertState.RESOLVED, "resolved"]].map(([s, name]) => (
          <span key={name}><i style={{ background: SHADE[s as number] }} />{name} alert</span>))}
      </p>
    </section>
  );
}
