import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { timestampDate } from "@bufbuild/protobuf/wkt";

export function seconds(ts: Timestamp | undefined): number {
  return ts ? timestampDate(ts).getTime() / 1000 : 0;
}

// Every time on the dashboard is UTC, 24-hour: operators compare it with ground-station logs.
export function utc(secondsSinceEpoch: number): string {
  return secondsSinceEpoch ? new Date(secondsSinceEpoch * 1000).toISOString().replace("T", " ").slice(0, 19) + "Z" : "-";
}

export function when(ts: Timestamp | undefined): string {
  return ts ? utc(seconds(ts)) : "-";
}

export function ago(secondsSinceEpoch: number, nowMs: number = Date.now()): string {
  if (!secondsSinceEpoch) return "never";
  const s = Math.max(0, Math.round(nowMs / 1000 - secondsSinceEpoch));
  return s < 120 ? `${s} s ago` : s < 7200 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
}
