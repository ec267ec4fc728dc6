// Clients for satmon's services over grpc-web through Envoy (same origin as the dashboard).
import { Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { useCallback, useEffect, useRef, useState } from "react";
import { OpsService } from "./gen/satmon/ops/v1/ops_service_pb";
import { SchedulingService } from "./gen/satmon/detection/v1/scheduling_service_pb";

const TOKEN_KEY = "satmon.token";
const tokenListeners = new Set<() => void>();

export function getToken(): string {
  return localStorage.getItem(TOKEN_KEY) ?? "";
}

// Every view reloads at once when the token changes: an error from a missing token must not stay
// on screen until some later refresh.
export function setToken(token: string): void {
  localStorage.setItem(TOKEN_KEY, token.trim());
  tokenListeners.forEach((listener) => listener());
}

export function useTokenVersion(): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const bump = () => setVersion((v) => v + 1);
    tokenListeners.add(bump);
    return () => {
      tokenListeners.delete(bump);
    };
  }, []);
  return version;
}

// Loads of one view overlap (a filter changes, a live update arrives while a load is in flight): only
// the newest may draw, or a slower, older answer draws over it with stale data. `begin()` at the start
// of a load returns a check to make before drawing: true while no later load has begun.
export function useNewestLoad(): () => () => boolean {
  const latest = useRef(0);
  return useCallback(() => {
    const mine = ++latest.current;
    return () => mine === latest.current;
  }, []);
}

// "NOT_FOUND: satellite SAT-9 is not in the fleet registry", with a hint for the token cases.
export function errorText(error: unknown): string {
  if (error instanceof ConnectError) {
    const hint = error.code === Code.Unauthenticated ? " (paste a token from `satmon token create` above)"
      : error.code === Code.Unavailable ? " (is the stack up? `satmon status`)" : "";
    return `${Code[error.code]}: ${error.rawMessage}${hint}`;
  }
  return String(error);
}

// Operators present a bearer token; Envoy and the services check its role.
const auth: Interceptor = (next) => async (req) => {
  const token = getToken();
  if (token) req.header.set("authorization", `Bearer ${token}`);
  return next(req);
};

const transport = createGrpcWebTransport({
  baseUrl: (import.meta as { env?: { VITE_API_BASE?: string } }).env?.VITE_API_BASE ?? window.location.origin,
  interceptors: [auth],
});

export const ops = createClient(OpsService, transport);
export const scheduler = createClient(SchedulingService, transport);

// A CSV export (REST through Envoy, streamed by the server) saved as a file. The bearer token goes
// in a header, which a plain link cannot carry, so the download is fetched and handed to the
// browser as a blob. Throws the server's message for a refused export.
export async function downloadCsv(path: string, filename: string): Promise<void> {
  const token = getToken();
  const response = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!response.ok) {
    const body = await response.text();
    let message = body;
    try { message = (JSON.parse(body) as { message?: string }).message ?? body; } catch { /* not JSON */ }
    throw new Error(`${response.status}: ${message}`);
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// An enum value by its full proto name (ALERT_SEVERITY_CRITICAL), as REST query parameters take it.
export function enumName(schema: { values: { number: number; name: string }[] }, value: number): string {
  return schema.values.find((v) => v.number === value)?.name ?? String(value);
}
