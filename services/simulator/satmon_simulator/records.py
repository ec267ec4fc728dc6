"""Building TelemetryRecord messages from the fleet data and housekeeping model."""

from __future__ import annotations

from google.protobuf.timestamp_pb2 import Timestamp

from satmon.telemetry.v1 import events_pb2, telemetry_pb2
from satmon_simulator.domain.housekeeping import HousekeepingState

__all__ = ["build_record"]


def build_record(sat: str, sample_time_ns: int, sequence: int, record_index: int, loop_index: int,
                 frames: dict, hk: HousekeepingState) -> events_pb2.TelemetryRecord:
    ts = Timestamp()
    ts.FromNanoseconds(sample_time_ns)
    record = events_pb2.TelemetryRecord(
        satellite_id=sat, sample_time=ts, sequence=sequence, record_index=record_index, loop_index=loop_index,
        housekeeping=telemetry_pb2.Housekeeping(
            battery_voltage_v=hk.battery_voltage_v, battery_soc_percent=hk.battery_soc_percent,
            obc_temperature_c=hk.obc_temperature_c, solar_power_w=hk.solar_power_w,
            power_consumption_w=hk.power_consumption_w, thruster_active=hk.thruster_active,
            in_eclipse=hk.in_eclipse,
            position=telemetry_pb2.Position(latitude_deg=hk.latitude_deg, longitude_deg=hk.longitude_deg,
                                            altitude_km=hk.altitude_km, velocity_km_s=hk.velocity_km_s)))
    for subsystem, (_channel, values) in frames.items():
        record.frames.add(subsystem=subsystem, features=values.tolist())
    return record
