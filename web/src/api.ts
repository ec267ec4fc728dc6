// Clients for satmon's services over grpc-web through Envoy (same origin as the dashboard).
import { createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { OpsService } from "./gen/satmon/ops/v1/ops_service_pb";
import { SchedulingService } from "./gen/satmon/detection/v1/scheduling_service_pb";

const TOKEN_KEY = "satmon.token";

export function getToken(): string {
  return localStorage.getItem(TOKEN_KEY) ?? "";
}

export function setToken(token: string): void {
  localStorage.setItem(TOKEN_KEY, token.trim());
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
