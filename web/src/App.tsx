import { useState } from "react";
import { getToken, setToken } from "./api";
import { Alerts } from "./views/Alerts";
import { Fleet } from "./views/Fleet";
import { Stats } from "./views/Stats";
import { Submit } from "./views/Submit";
import { Trends } from "./views/Trends";

type View = "fleet" | "trends" | "alerts" | "stats" | "submit";

export function App() {
  const [view, setView] = useState<View>("fleet");
  const [target, setTarget] = useState({ satellite: "SAT-001", subsystem: 1 });
  const [token, setTokenState] = useState(getToken());
  return (
    <>
      <header>
        <h1>satmon</h1>
        <nav>
          {(["fleet", "trends", "alerts", "stats", "submit"] as View[]).map((v) => (
            <button key={v} className={v === view ? "active" : ""} onClick={() => setView(v)}>{v}</button>
          ))}
        </nav>
        <input className="token" type="password" placeholder="bearer token" aria-label="token" value={token}
               onChange={(e) => { setTokenState(e.target.value); setToken(e.target.value); }} />
      </header>
      <main>
        {view === "fleet" && <Fleet onOpen={(satellite, subsystem) => { setTarget({ satellite, subsystem }); setView("trends"); }} />}
        {view === "trends" && <Trends satellite={target.satellite} subsystem={target.subsystem} />}
        {view === "alerts" && <Alerts />}
        {view === "stats" && <Stats />}
        {view === "submit" && <Submit />}
      </main>
    </>
  );
}
