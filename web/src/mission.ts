// The mission database as the dashboard sees it: every spacecraft class with its subsystems and
// parameters (names, units, limits), fetched once (OpsService.ListSpacecraftClasses) and shared by
// every view, so subsystem columns, pickers and axis units come from the satellite's class.
import { useEffect, useState } from "react";
import { ops } from "./api";
import type { SpacecraftClass, SubsystemDefinition } from "./gen/satmon/ops/v1/ops_service_pb";

let loading: Promise<SpacecraftClass[]> | undefined;

function load(): Promise<SpacecraftClass[]> {
  loading ??= ops.listSpacecraftClasses({}).then((r) => r.spacecraftClasses).catch((e) => {
    loading = undefined; // try again on the next view that asks (a token may have been missing)
    throw e;
  });
  return loading;
}

export function useSpacecraftClasses(tokenVersion = 0): SpacecraftClass[] {
  const [classes, setClasses] = useState<SpacecraftClass[]>([]);
  useEffect(() => {
    load().then(setClasses, () => setClasses([]));
  }, [tokenVersion]);
  return classes;
}

// Every subsystem of every class, each name once, in declaration order (the fleet's columns).
export function allSubsystems(classes: SpacecraftClass[]): SubsystemDefinition[] {
  const seen = new Map<string, SubsystemDefinition>();
  classes.forEach((c) => c.subsystems.forEach((s) => { if (!seen.has(s.name)) seen.set(s.name, s); }));
  return [...seen.values()];
}

// The subsystems of one class; all of them while the class is not known.
export function subsystemsOf(classes: SpacecraftClass[], className: string | undefined): SubsystemDefinition[] {
  return classes.find((c) => c.name === className)?.subsystems ?? allSubsystems(classes);
}

export function subsystemLabel(classes: SpacecraftClass[], name: string): string {
  return allSubsystems(classes).find((s) => s.name === name)?.displayName ?? name;
}
