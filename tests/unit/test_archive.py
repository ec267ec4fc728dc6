"""The archive format: a CSV export checked whole, every bad row named with its line."""

from __future__ import annotations

import pytest

from satmon_archive import ArchiveError, read_satellite_csv, write_satellite_csv
from satmon_mdb import load_mission_database
from satmon_simulator.domain.bus_archive import Fault, synthesise

SUBSYSTEMS = load_mission_database().subsystems("leo_demo")
HEADER = ("timestamp,power.battery_voltage,power.battery_soc,power.solar_power,power.power_consumption,"
          "thermal.obc_temperature,thermal.in_eclipse,orbit.altitude,orbit.velocity,orbit.latitude,"
          "orbit.longitude,orbit.thruster_active")


def test_an_archive_round_trips_through_its_csv(tmp_path):
    archive, labels = synthesise("SAT-101", 1, SUBSYSTEMS, 1_790_000_000_000_000_000, 600,
                                 [Fault("cold_obc", 100)])
    write_satellite_csv(tmp_path / "SAT-101.csv", SUBSYSTEMS, archive)
    assert (tmp_path / "SAT-101.csv").read_text().splitlines()[0] == HEADER
    back = read_satellite_csv(tmp_path / "SAT-101.csv", SUBSYSTEMS)
    assert back.satellite_id == "SAT-101" and len(back) == 600
    assert (back.times_ns == archive.times_ns).all()
    assert back.values["thermal"].shape == (600, 2) and back.values["orbit"].shape == (600, 5)
    assert abs(back.values["thermal"][120, 0] - (-38.0)) < 0.5  # the cold OBC fault
    assert [(l.subsystem, (l.end_ns - l.start_ns) // 10**9) for l in labels] == [("thermal", 59)]


def _csv(tmp_path, body: str):
    path = tmp_path / "SAT-7.csv"
    path.write_text(HEADER + "\n" + body)
    return path


GOOD = "2026-12-01T00:00:0{s}Z,4.0,80,50,45,20,0,420,7.66,10,20,0\n"


@pytest.mark.parametrize("row,message", [
    ("2026-12-01T00:00:09Z,4.0,eighty,50,45,20,0,420,7.66,10,20,0", "SAT-7.csv:4: power.battery_soc: 'eighty' is not a number"),
    ("2026-12-01T00:00:09Z,4.0,180,50,45,20,0,420,7.66,10,20,0", "SAT-7.csv:4: power.battery_soc: 180 is outside its valid range 0..100"),
    ("2026-12-01T00:00:01Z,4.0,80,50,45,20,0,420,7.66,10,20,0", "SAT-7.csv:4: timestamp 2026-12-01T00:00:01Z is not after the row before"),
    ("yesterday,4.0,80,50,45,20,0,420,7.66,10,20,0", "SAT-7.csv:4: timestamp 'yesterday' is neither ISO 8601 nor Unix seconds"),
    ("2026-12-01T00:00:09Z,4.0,80", "SAT-7.csv:4: 3 fields, the header has 12"),
    ("2026-12-01T00:00:09Z,4.0,80,50,45,nan,0,420,7.66,10,20,0", "SAT-7.csv:4: thermal.obc_temperature: nan is not finite"),
])
def test_a_bad_row_is_named_with_its_line(tmp_path, row, message):
    path = _csv(tmp_path, GOOD.format(s=1) + GOOD.format(s=2) + row + "\n" + GOOD.format(s=9).replace("09Z", "10Z"))
    with pytest.raises(ArchiveError) as info:
        read_satellite_csv(path, SUBSYSTEMS)
    assert message in str(info.value)


def test_columns_must_be_the_classes_parameters(tmp_path):
    path = tmp_path / "SAT-7.csv"
    path.write_text(HEADER.replace("power.solar_power", "power.solar_current") + "\n")
    with pytest.raises(ArchiveError) as info:
        read_satellite_csv(path, SUBSYSTEMS)
    assert "missing columns: power.solar_power" in str(info.value)
    assert "columns the class does not declare: power.solar_current" in str(info.value)


def test_unix_seconds_and_true_false_are_accepted(tmp_path):
    path = _csv(tmp_path, "1796083200,4.0,80,50,45,20,true,420,7.66,10,20,false\n")
    archive = read_satellite_csv(path, SUBSYSTEMS)
    assert archive.times_ns[0] == 1796083200 * 10**9 and archive.values["thermal"][0, 1] == 1.0
