// The live event stream (server-streaming RPC over grpc-web): one subscription shared by every view.
import { useEffect, useState } from "react";
import { ops } from "./api";
import type { StreamEventsResponse } from "./gen/satmon/ops/v1/ops_service_pb";

type Listener = (event: StreamEventsResponse) => void;
const listeners = new Set<Listener>();
let started = false;

async function run(): Promise<void> {
  for (;;) {
    try {
      for await (const event of ops.streamEvents({})) {
        listeners.forEach((listener) => listener(event));
      }
    } catch {
      // The stream ends on network errors and server restarts: reconnect after a pause.
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

export function useEvents(listener: Listener): void {
  useEffect(() => {
    listeners.add(listener);
    if (!started) {
      started = true;
      void run();
    }
    return () => {
      listeners.delete(listener);
    };
  }, [listener]);
}

export function useTick(ms: number): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const id = setInterval(() => setTick((t) => t + 1), ms);
    return () => clearInterval(id);
  }, [ms]);
  return tick;
}
