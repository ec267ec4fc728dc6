import { useState } from "react";
import { getToken, setToken } from "./api";
import { navigate, useRoute, VIEWS } from "./route";
import { Alerts } from "./views/Alerts";
import { Fleet } from "./views/Fleet";
import { Stats } from "./views/Stats";
import { Submit } from "./views/Submit";
import { Trends } from "./views/Trends";

export function App() {
  const route = useRoute();
  const [token, setTokenState] = useState(getToken());
  return (
    <>
      <header>
        <h1>satmon</h1>
        <nav>
          {VIEWS.map((v) => (
            <button key={v} className={v === route.view ? "active" : ""} onClick={() => navigate(v)}>{v}</button>
          ))}
        </nav>
        <span className="muted">times UTC</span>
        <input className="token" type="password" placeholder="bearer token" aria-label="token" value={token}
               onChange={(e) => { setTokenState(e.target.value); setToken(e.target.value); }} />
      </header>
      <main>
        {route.view === "fleet" && <Fleet params={route.params} />}
        {route.view === "trends" && <Trends params={route.params} />}
        {route.view === "alerts" && <Alerts params={route.params} />}
        {route.view === "stats" && <Stats params={route.params} />}
        {route.view === "submit" && <Submit />}
      </main>
    </>
  );
}
