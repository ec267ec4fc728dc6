import { useCallback, useEffect, useState } from "react";
import { ops } from "../api";
import { useEvents } from "../events";
import { SUBSYSTEMS, seconds } from "../format";
import type { SatelliteSummary, StreamEventsResponse } from "../gen/satmon/ops/v1/ops_service_pb";

// A satellite silent for longer than this is drawn as stale rather than nominal.
const STALE_SECONDS = 300;

// Satellites x subsystems, coloured by anomaly state, with each satellite's housekeeping.
export function Fleet({ onOpen }: { onOpen: (satellite: string, subsystem: number) => void }) {
  const [satellites, setSatellites] = useState<SatelliteSummary[]>([]);
  const [live, setLive] = useState<Record<string, boolean>>({});
  const [error, setError] = useState("");

  const load = useCallback(async () => {
    try {
      setSatellites((await ops.listSatellites({})).satellites);
      setError("");
    } catch (e) {
      setError(String(e));
    }
  }, []);
  useEffect(() => {
    void load();
    const id = setInterval(load, 15000); // housekeeping cards; anomaly colours come live
    return () => clearInterval(id);
  }, [load]);
  useEvents(
    useCallback((event: StreamEventsResponse) => {
      if (event.event.case === "result") {
        const r = event.event.value;
        setLive((prev) => ({ ...prev, [`${r.satelliteId}/${r.subsystem}`]: r.isAnomaly }));
      }
    }, []),
  );

  return (
    <section>
      <h2>Fleet</h2>
      {error && <p className="error">{error}</p>}
      <table className="fleet">
        <thead>
          <tr>
            <th>satellite</th>
            {SUBSYSTEMS.map((s) => (
              <th key={s.value}>{s.name}</th>
            ))}
            <th>battery</th>
            <th>OBC temp</th>
            <th>solar</th>
            <th>position</th>
          </tr>
        </thead>
        <tbody>
          {satellites.map((sat) => (
            <tr key={sat.satelliteId} data-satellite={sat.satelliteId}>
              <td>{sat.satelliteId}</td>
              {SUBSYSTEMS.map((s) => {
                const key = `${sat.satelliteId}/${s.value}`;
                const alert = sat.anomalousSubsystems.includes(s.value);
                const lastSeen = seconds(sat.lastSeenTime);
                const fresh = lastSeen > 0 && Date.now() / 1000 - lastSeen < STALE_SECONDS;
                // Colours follow the detector's alerts; a single window above the model's normal level
                // is not an alert, so it only deepens the colour of a subsystem already alerting.
                const state = alert ? (live[key] ? "anomaly" : "alert")
                  : key in live || fresh ? "nominal" : lastSeen > 0 ? "stale" : "unknown";
                return (
                  <td key={s.value} className={`cell ${state}`} onClick={() => onOpen(sat.satelliteId, s.value)}
                      title={`${s.name}: ${state}`}>
                    {state === "anomaly" ? "!" : state === "alert" ? "•" : ""}
                  </td>
                );
              })}
              <td>{sat.batterySocPercent.toFixed(0)} %</td>
              <td>{sat.obcTemperatureC.toFixed(1)} °C</td>
              <td>{sat.solarPowerW.toFixed(0)} W</td>
              <td>
                {sat.latitudeDeg.toFixed(1)}, {sat.longitudeDeg.toFixed(1)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
