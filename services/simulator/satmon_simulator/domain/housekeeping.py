"""A simple physical housekeeping model per satellite.

Circular orbit at 400-450 km and 51.6 degrees inclination; cylindrical Earth
shadow for eclipses with the Sun fixed along the inertial x axis; solar array
output 0-100 W by incidence; a battery integrating solar minus load power
(3.0-4.2 V, state of charge 0-100 %); an on-board computer that warms in
sunlight and cools in eclipse (-50 to 50 C); a short thruster burn every 25
minutes. `Override`s force a rule condition on demand.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["OrbitParameters", "HousekeepingState", "HousekeepingModel", "Override", "RULE_OVERRIDES"]

MU_KM3_S2 = 398600.4418
EARTH_RADIUS_KM = 6371.0
EARTH_ROTATION_RAD_S = 7.2921159e-5
INCLINATION_DEG = 51.6
BATTERY_CAPACITY_WH = 40.0
BASE_LOAD_W = 45.0
THRUSTER_PERIOD_S = 1500
THRUSTER_BURN_S = 4


@dataclass(frozen=True)
class OrbitParameters:
    altitude_km: float
    raan_rad: float
    phase_rad: float

    @classmethod
    def for_satellite(cls, index: int) -> "OrbitParameters":
        """Deterministic per satellite: altitude 400-450 km, spread planes and phases."""
        return cls(altitude_km=400.0 + (index * 7.3) % 50.0,
                   raan_rad=math.radians((index * 37.0) % 360.0),
                   phase_rad=math.radians((index * 101.0) % 360.0))


@dataclass(frozen=True)
class Override:
    """Forces a housekeeping value from `start_s` for `duration_s` simulated seconds."""

    rule: str  # low_battery | cold_obc | hot_obc | thruster
    start_s: float
    duration_s: float = 5.0

    def active(self, t: float) -> bool:
        return self.start_s <= t < self.start_s + self.duration_s


RULE_OVERRIDES = ("low_battery", "cold_obc", "hot_obc", "thruster")


@dataclass
class HousekeepingState:
    latitude_deg: float
    longitude_deg: float
    altitude_km: float
    velocity_km_s: float
    in_eclipse: bool
    solar_power_w: float
    power_consumption_w: float
    battery_soc_percent: float
    battery_voltage_v: float
    obc_temperature_c: float
    thruster_active: bool


class HousekeepingModel:
    def __init__(self, index: int, overrides: tuple[Override, ...] = ()) -> None:
        self.index = index
        self.orbit = OrbitParameters.for_satellite(index)
        self.radius_km = EARTH_RADIUS_KM + self.orbit.altitude_km
        self.velocity_km_s = math.sqrt(MU_KM3_S2 / self.radius_km)
        self.mean_motion = self.velocity_km_s / self.radius_km
        self.overrides = overrides
        self.soc = 80.0 + (index % 4) * 4.0
        self.temperature = 15.0
        self.last_t: float | None = None

    def step(self, t: float) -> HousekeepingState:
        """State at simulated second t (call with increasing t)."""
        dt = 0.0 if self.last_t is None else t - self.last_t
        self.last_t = t
        inc = math.radians(INCLINATION_DEG)
        u = self.orbit.phase_rad + self.mean_motion * t
        # Position in the orbital plane rotated by inclination and RAAN (ECI, km).
        x_orb, y_orb = self.radius_km * math.cos(u), self.radius_km * math.sin(u)
        x = x_orb * math.cos(self.orbit.raan_rad) - y_orb * math.cos(inc) * math.sin(self.orbit.raan_rad)
        y = x_orb * math.sin(self.orbit.raan_rad) + y_orb * math.cos(inc) * math.cos(self.orbit.raan_rad)
        z = y_orb * math.sin(inc)
        latitude = math.degrees(math.asin(z / self.radius_km))
        longitude = math.degrees(math.atan2(y, x) - EARTH_ROTATION_RAD_S * t)
        longitude = (longitude + 180.0) % 360.0 - 180.0
        # Sun along +x: in shadow when behind the Earth and inside its cylinder.
        in_eclipse = x < 0 and math.hypot(y, z) < EARTH_RADIUS_KM
        incidence = max(0.0, 0.35 + 0.65 * abs(math.cos(u)))
        solar = 0.0 if in_eclipse else min(100.0, 100.0 * incidence)
        thruster = (t % THRUSTER_PERIOD_S) < THRUSTER_BURN_S and t >= THRUSTER_BURN_S
        load = BASE_LOAD_W + (15.0 if thruster else 0.0) + 5.0 * math.sin(t / 300.0)
        self.soc = min(100.0, max(0.0, self.soc + (solar - load) * dt / 3600.0 / BATTERY_CAPACITY_WH * 100.0))
        target = 25.0 if not in_eclipse else -20.0
        self.temperature += (target - self.temperature) * min(1.0, dt / 900.0)
        soc, temperature = self.soc, self.temperature
        for override in self.overrides:
            if override.active(t):
                if override.rule == "low_battery":
                    soc = 22.0
                elif override.rule == "cold_obc":
                    temperature = -38.0
                elif override.rule == "hot_obc":
                    temperature = 55.0
                elif override.rule == "thruster":
                    thruster = True
        return HousekeepingState(
            latitude_deg=latitude, longitude_deg=longitude, altitude_km=self.orbit.altitude_km,
            velocity_km_s=self.velocity_km_s, in_eclipse=in_eclipse, solar_power_w=solar,
            power_consumption_w=load, battery_soc_percent=soc, battery_voltage_v=3.0 + 1.2 * soc / 100.0,
            obc_temperature_c=max(-50.0, min(60.0, temperature)), thruster_active=thruster)
