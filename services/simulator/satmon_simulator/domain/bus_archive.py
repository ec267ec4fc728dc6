"""A synthetic archive of the leo_demo class, from the simulator's orbit, power and thermal physics
(HousekeepingModel), with labelled faults: what `satmon archive synth` writes, so the onboarding
path (import, train, replay, alerts) can be walked without a real spacecraft's export.

Each parameter of the class is a HousekeepingState attribute plus a little sensor noise. Faults,
each labelled on its subsystem:

    solar_string   power    the array gives half its output for 10 minutes (a lost string)
    heater_stuck   thermal  the OBC warms 0.05 C/s up to 22 C over normal, then holds (sunlit: past 45 C, yellow)
    low_battery    power    state of charge forced to 22 % for 2 minutes (below 30 %: yellow)
    cold_obc       thermal  OBC at -38 C for 1 minute (below -35 C: red)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from satmon_archive import Label, SatelliteArchive
from satmon_mdb import SubsystemView
from satmon_simulator.domain.housekeeping import HousekeepingModel, Override

__all__ = ["ATTRIBUTES", "Fault", "FAULT_KINDS", "synthesise", "default_faults"]

# leo_demo parameter -> HousekeepingState attribute
ATTRIBUTES = {
    "battery_voltage": "battery_voltage_v", "battery_soc": "battery_soc_percent", "solar_power": "solar_power_w",
    "power_consumption": "power_consumption_w", "obc_temperature": "obc_temperature_c", "in_eclipse": "in_eclipse",
    "altitude": "altitude_km", "velocity": "velocity_km_s", "latitude": "latitude_deg", "longitude": "longitude_deg",
    "thruster_active": "thruster_active",
}
NOISE = {"battery_voltage": 0.002, "battery_soc": 0.05, "solar_power": 0.3, "power_consumption": 0.2,
         "obc_temperature": 0.05, "altitude": 0.01, "velocity": 0.00001}
FAULT_KINDS = {"solar_string": ("power", 600), "heater_stuck": ("thermal", 900), "low_battery": ("power", 120),
               "cold_obc": ("thermal", 60)}


@dataclass(frozen=True)
class Fault:
    kind: str
    start_s: int  # seconds after the archive's first row

    @property
    def subsystem(self) -> str:
        return FAULT_KINDS[self.kind][0]

    @property
    def duration_s(self) -> int:
        return FAULT_KINDS[self.kind][1]


def default_faults(seconds: int) -> list[Fault]:
    """One of each kind, spread over the archive's second half, well apart."""
    kinds = list(FAULT_KINDS)
    first = seconds // 2
    step = max(1, (seconds - first) // (len(kinds) + 1))
    return [Fault(kind, first + step * i) for i, kind in enumerate(kinds)]


def synthesise(satellite_id: str, index: int, subsystems: tuple[SubsystemView, ...], start_ns: int, seconds: int,
               faults: list[Fault], seed: int = 0, offset_s: int = 0) -> tuple[SatelliteArchive, list[Label]]:
    """`seconds` rows at 1 Hz from `start_ns`; `offset_s` continues the physics of an earlier archive."""
    overrides = tuple(Override(f.kind, offset_s + f.start_s, f.duration_s) for f in faults
                      if f.kind in ("low_battery", "cold_obc"))
    model = HousekeepingModel(index, overrides)
    rng = np.random.default_rng(seed * 1000 + index)
    names = [name for view in subsystems for name in view.parameter_names]
    table = np.empty((seconds, len(names)), dtype=np.float32)
    for row in range(seconds):
        state = model.step(float(offset_s + row))
        table[row] = [float(getattr(state, ATTRIBUTES[name])) for name in names]
    for column, name in enumerate(names):
        if name in NOISE:
            table[:, column] += rng.normal(0.0, NOISE[name], seconds).astype(np.float32)
    for view in subsystems:  # noise must not push a value out of its valid range (solar power at 0 in eclipse)
        for index, low, high in view.valid_ranges:
            column = names.index(view.parameter_names[index])
            np.clip(table[:, column], low, high, out=table[:, column])
    for fault in faults:
        rows = slice(fault.start_s, min(seconds, fault.start_s + fault.duration_s))
        if fault.kind == "solar_string":
            table[rows, names.index("solar_power")] *= 0.5
        elif fault.kind == "heater_stuck":
            # warms 0.05 C/s for 5 minutes and holds 15 C over normal (sunlit: about 40-47 C)
            ramp = np.minimum(np.arange(rows.stop - rows.start) * 0.05, 22.0)
            table[rows, names.index("obc_temperature")] += ramp.astype(np.float32)
    column = 0
    values = {}
    for view in subsystems:
        values[view.name] = table[:, column:column + view.width]
        column += view.width
    labels = [Label(satellite_id, f.subsystem, start_ns + f.start_s * 1_000_000_000,
                    start_ns + (min(seconds, f.start_s + f.duration_s) - 1) * 1_000_000_000)
              for f in faults if f.start_s < seconds]
    times = start_ns + np.arange(seconds, dtype=np.int64) * 1_000_000_000
    return SatelliteArchive(satellite_id, times, values), labels
