// View state lives in the URL hash (#/trends?satellite=SAT-001&subsystem=acs&range=1h), so a view can
// be bookmarked, shared and restored with the back button.
import { useEffect, useState } from "react";

export type View = "fleet" | "trends" | "alerts" | "stats" | "submit";
export const VIEWS: View[] = ["fleet", "trends", "alerts", "stats", "submit"];

export interface Route {
  view: View;
  params: URLSearchParams;
}

function read(): Route {
  const [path, query] = window.location.hash.replace(/^#\/?/, "").split("?");
  const view = (VIEWS as string[]).includes(path) ? (path as View) : "fleet";
  return { view, params: new URLSearchParams(query ?? "") };
}

export function navigate(view: View, params: Record<string, string | number | undefined> = {}): void {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== "") query.set(key, String(value));
  }
  const hash = `#/${view}${query.size ? `?${query}` : ""}`;
  if (window.location.hash !== hash) window.location.hash = hash;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const update = () => setRoute(read());
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return route;
}
