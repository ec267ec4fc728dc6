import { Subsystem } from "./gen/satmon/telemetry/v1/telemetry_pb";
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { timestampDate } from "@bufbuild/protobuf/wkt";

export const SUBSYSTEMS: { value: Subsystem; name: string }[] = [
  { value: Subsystem.ACS, name: "ACS" },
  { value: Subsystem.DATA, name: "Data" },
  { value: Subsystem.EPS, name: "EPS" },
  { value: Subsystem.FSW, name: "FSW" },
  { value: Subsystem.PS, name: "PS" },
  { value: Subsystem.SS, name: "SS" },
  { value: Subsystem.TCS, name: "TCS" },
];

export function subsystemName(value: Subsystem): string {
  return SUBSYSTEMS.find((s) => s.value === value)?.name ?? "?";
}

export function seconds(ts: Timestamp | undefined): number {
  return ts ? timestampDate(ts).getTime() / 1000 : 0;
}

export function when(ts: Timestamp | undefined): string {
  return ts ? timestampDate(ts).toISOString().replace("T", " ").slice(0, 19) : "-";
}
