import { useCallback, useEffect, useRef, useState } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { ops } from "../api";
import { useEvents } from "../events";
import { SUBSYSTEMS, seconds } from "../format";
import type { Alert } from "../gen/satmon/ops/v1/alert_pb";
import type { StreamEventsResponse } from "../gen/satmon/ops/v1/ops_service_pb";

const RANGES: Record<string, number> = { "1h": 3600, "6h": 21600, "1d": 86400, "1w": 604800 };

// Raw versus prediction on one time axis, anomaly score below, alert spans shaded.
export function Trends({ satellite, subsystem }: { satellite: string; subsystem: number }) {
  const [sat, setSat] = useState(satellite);
  const [sub, setSub] = useState(subsystem);
  const [feature, setFeature] = useState(0);
  const [range, setRange] = useState("1h");
  const [live, setLive] = useState(false);
  const [points, setPoints] = useState(0);
  const [error, setError] = useState("");
  const top = useRef<HTMLDivElement>(null);
  const bottom = useRef<HTMLDivElement>(null);
  const plots = useRef<uPlot[]>([]);

  useEffect(() => setSat(satellite), [satellite]);
  useEffect(() => setSub(subsystem), [subsystem]);

  const load = useCallback(async () => {
    if (!sat) return;
    const end = Date.now();
    const start = end - RANGES[range] * 1000;
    const width = top.current?.clientWidth ?? 1000;
    const step = Math.max(1, Math.round(RANGES[range] / width)); // one point per pixel
    try {
      const [trend, alerts] = await Promise.all([
        ops.compareTrends({ satelliteId: sat, subsystem: sub, featureIndices: [feature],
                            startTime: timestampFromMs(start), endTime: timestampFromMs(end), stepSeconds: step }),
        ops.listAlerts({ satelliteId: sat, pageSize: 200 }),
      ]);
      const byTime = (s?: { timesMs: bigint[]; values: number[] }) =>
        new Map((s?.timesMs ?? []).map((t, i) => [Number(t) / 1000, s!.values[i]]));
      const raw = trend.raw[0];
      const xs = (raw?.timesMs ?? []).map((t) => Number(t) / 1000);
      const pred = byTime(trend.prediction[0]);
      const score = byTime(trend.anomalyScore);
      const spans = alerts.alerts.filter((a: Alert) => a.subsystem === sub).map((a) => [seconds(a.startTime), seconds(a.endTime)]);
      draw(xs, [raw?.values ?? [], xs.map((x) => pred.get(x) ?? null)], xs.map((x) => score.get(x) ?? null), spans);
      setPoints(xs.length);
      setError("");
    } catch (e) {
      setError(String(e));
    }
  }, [sat, sub, feature, range]);

  function draw(xs: number[], series: (number | null)[][], score: (number | null)[], spans: number[][]) {
    plots.current.forEach((p) => p.destroy());
    const width = top.current?.clientWidth ?? 1000;
    const shade = (u: uPlot) => {
      const ctx = u.ctx;
      ctx.save();
      ctx.fillStyle = "rgba(255, 80, 80, 0.18)";
      for (const [a, b] of spans) {
        const x0 = u.valToPos(a, "x", true);
        const x1 = u.valToPos(b, "x", true);
        ctx.fillRect(x0, u.bbox.top, Math.max(2, x1 - x0), u.bbox.height);
      }
      ctx.restore();
    };
    const axes = [{ stroke: "#aab" }, { stroke: "#aab" }];
    const a = new uPlot({ width, height: 260, axes, hooks: { draw: [shade] }, cursor: { sync: { key: "t" } },
      series: [{}, { label: "raw", stroke: "#4fc3f7" }, { label: "prediction", stroke: "#ffb74d" }] },
      [xs, ...series] as uPlot.AlignedData, top.current!);
    const b = new uPlot({ width, height: 140, axes, hooks: { draw: [shade] }, cursor: { sync: { key: "t" } },
      series: [{}, { label: "anomaly score", stroke: "#ef5350" }] }, [xs, score] as uPlot.AlignedData, bottom.current!);
    plots.current = [a, b];
  }

  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => () => plots.current.forEach((p) => p.destroy()), []);
  useEvents(
    useCallback((event: StreamEventsResponse) => {
      if (live && event.event.case === "result" && event.event.value.satelliteId === sat) void load();
    }, [live, sat, load]),
  );

  return (
    <section>
      <h2>Trends</h2>
      <div className="controls">
        <input value={sat} onChange={(e) => setSat(e.target.value)} placeholder="SAT-001" aria-label="satellite" />
        <select value={sub} onChange={(e) => setSub(Number(e.target.value))} aria-label="subsystem">
          {SUBSYSTEMS.map((s) => <option key={s.value} value={s.value}>{s.name}</option>)}
        </select>
        <select value={feature} onChange={(e) => setFeature(Number(e.target.value))} aria-label="feature">
          {Array.from({ length: 25 }, (_, i) => <option key={i} value={i}>feature {i}</option>)}
        </select>
        {Object.keys(RANGES).map((r) => (
          <button key={r} className={r === range ? "active" : ""} onClick={() => setRange(r)}>{r}</button>
        ))}
        <label><input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} /> live</label>
        <span className="muted" data-testid="trend-points">{points} points</span>
      </div>
      {error && <p className="error">{error}</p>}
      <div ref={top} className="chart" data-testid="trend-chart" />
      <div ref={bottom} className="chart" />
    </section>
  );
}
