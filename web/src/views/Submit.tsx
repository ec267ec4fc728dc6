import { useState } from "react";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { scheduler } from "../api";
import { allSubsystems, useSpacecraftClasses } from "../mission";

// A manual job over stored telemetry: satellite, subsystems and a time range.
export function Submit() {
  const [satellite, setSatellite] = useState("SAT-001");
  const [subsystems, setSubsystems] = useState<string[]>([]);
  const classes = useSpacecraftClasses();
  const [minutes, setMinutes] = useState(10);
  const [message, setMessage] = useState("");

  async function submit() {
    const end = Date.now();
    try {
      const { job } = await scheduler.submitInferenceJob({
        satelliteId: satellite, subsystems, startTime: timestampFromMs(end - minutes * 60000), endTime: timestampFromMs(end),
        metadata: { submitted_from: "dashboard" },
      });
      setMessage(`job ${job?.jobId} queued`);
    } catch (e) {
      setMessage(String(e));
    }
  }

  return (
    <section>
      <h2>Submit a job</h2>
      <div className="controls">
        <input value={satellite} onChange={(e) => setSatellite(e.target.value)} aria-label="satellite" />
        {allSubsystems(classes).map((s) => (
          <label key={s.name} title={s.displayName}>
            <input type="checkbox" checked={subsystems.includes(s.name)}
                   onChange={(e) => setSubsystems(e.target.checked ? [...subsystems, s.name] : subsystems.filter((x) => x !== s.name))} />
            {s.name}
          </label>
        ))}
        <input type="number" value={minutes} min={1} onChange={(e) => setMinutes(Number(e.target.value))} aria-label="minutes" /> minutes
        <button onClick={submit}>submit</button>
      </div>
      <p data-testid="submit-result">{message}</p>
    </section>
  );
}
