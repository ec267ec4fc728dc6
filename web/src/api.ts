// Clients for satmon's services over grpc-web through Envoy (same origin as the dashboard).
import { Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { useEffect, useState } from "react";
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
