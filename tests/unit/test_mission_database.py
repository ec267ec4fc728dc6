"""The mission database: class files checked by the schema, errors that name the file and the field,
and what services read from it."""

from __future__ import annotations

import math
import textwrap
import time
from pathlib import Path

import pytest

from satmon.telemetry.v1 import events_pb2, telemetry_pb2
from satmon_cli.main import main
from satmon_core.errors import InvalidRecordError
from satmon_core.fleet_registry import SatelliteEntry
from satmon_core.topics import all_topics
from satmon_core.validation import models_of, validate_envelope, validate_frames
from satmon_mdb import DEFAULT_CLASS, MissionDatabase, MissionDatabaseError, load_class_file, load_mission_database
from satmon_scheduler.domain.rules import RuleEngine, conditions

POWER = textwrap.dedent("""\
    name: cubesat
    display_name: Demo CubeSat
    housekeeping: true
    window: {size: 30, stride: 10}
    subsystems:
      - name: power
        display_name: Electrical power
        model: CUBESAT_power
        parameters:
          - {name: battery_voltage, unit: V, valid_range: {low: 0, high: 20},
             limits: {red_low: 6.0, yellow_low: 6.5, yellow_high: 8.3, red_high: 8.5}}
          - {name: heater_on, kind: command, type: bool, valid_range: {low: 0, high: 1}}
      - name: thermal
        display_name: Thermal
        window: {size: 30, stride: 10}
        parameters:
          - {name: panel_temp, unit: degC}
    rules:
      - {name: cold, parameter: obc_temperature_c, below: -20}
    """)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def test_smap_ships_as_the_default_class_with_named_parameters():
    database = load_mission_database()
    subsystems = database.subsystems(DEFAULT_CLASS)
    assert [s.name for s in subsystems] == ["acs", "data", "eps", "fsw", "ps", "ss", "tcs"]
    for view in subsystems:
        assert view.parameter_names[0] == "value" and view.telemetry_indices == (0,)
        assert view.parameter_names[1:] == tuple(f"command_{i:02d}" for i in range(1, 25))
        assert (view.window.size, view.window.stride) == (30, 10) and view.model is None
    assert [r.name for r in database.spacecraft_class(DEFAULT_CLASS).rules] == [
        "battery_soc<30", "obc_temp<-30", "obc_temp>50", "thruster_active"]


def test_a_class_declares_its_own_shape_windows_models_and_limits(tmp_path):
    database = MissionDatabase.load(write(tmp_path, "cubesat.yaml", POWER).parent)
    power, thermal = database.subsystems("cubesat")
    assert power.width == 2 and power.model == "CUBESAT_power" and power.telemetry_indices == (0,)
    assert (power.window.size, power.window.stride) == (thermal.window.size, thermal.window.stride) == (30, 10)
    assert power.definition.parameters[0].limits.red_high == 8.5
    assert database.subsystem_names() == ("power", "thermal")


@pytest.mark.parametrize("edit,message", [
    (lambda t: t.replace("name: cubesat", "name: Cube Sat"), "cubesat.yaml: name: String should match pattern"),
    (lambda t: t.replace("yellow_low: 6.5", "yellow_low: 5.5"),
     "cubesat.yaml: subsystems[0].parameters[0].limits: red_low (6.0) must be below yellow_low (5.5)"),
    (lambda t: t.replace("unit: degC", "unti: degC"), "cubesat.yaml: subsystems[1].parameters[0].unti: Extra inputs"),
    (lambda t: t.replace("    window: {size: 30, stride: 10}", "    window: {size: 30, stride: 50}"),
     "cubesat.yaml: subsystems[1].window: stride 50 is longer than the window (30)"),
    (lambda t: t.replace("window: {size: 30, stride: 10}\nsubsystems", "window: {size: 60, stride: 10}\nsubsystems"),
     "cubesat.yaml: window: windows of 60 records every 10 are not served yet"),
    (lambda t: t.replace("obc_temperature_c", "obc_temp"), "cubesat.yaml: rules[0]: parameter 'obc_temp' is not housekeeping"),
    (lambda t: t.replace("name: thermal", "name: power"), "cubesat.yaml: (top level): subsystem 'power' is declared twice"),
    (lambda t: t + "  - [not, a, mapping\n", "cubesat.yaml: not readable YAML"),
])
def test_a_malformed_class_file_is_refused_naming_the_file_and_the_field(tmp_path, edit, message):
    path = write(tmp_path, "cubesat.yaml", edit(POWER))
    with pytest.raises(MissionDatabaseError) as info:
        load_class_file(path)
    assert message in str(info.value)


def test_satmon_mdb_validate_exits_nonzero_and_names_the_field(tmp_path, capsys):
    good = write(tmp_path, "cubesat.yaml", POWER)
    bad = write(tmp_path, "broken.yaml", POWER.replace("    display_name: Thermal\n", ""))
    assert main(["mdb", "validate", str(good)]) == 0
    assert main(["mdb", "validate", str(good), str(bad)]) == 1
    assert "broken.yaml: subsystems[1].display_name: Field required" in capsys.readouterr().err


def test_satmon_mdb_show_lists_parameters_with_units_and_limits(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SATMON_MDB_DIR", str(write(tmp_path, "cubesat.yaml", POWER).parent))
    assert main(["mdb", "show", "cubesat", "--parameters"]) == 0
    out = capsys.readouterr().out
    assert "power" in out and "window 30/10" in out and "model CUBESAT_power" in out
    assert "battery_voltage" in out and "[V]" in out and "red< 6 yellow< 6.5 yellow> 8.3 red> 8.5" in out
    assert "rule cold: obc_temperature_c < -20" in out


def _record(widths: dict[str, int], value: float = 0.5) -> events_pb2.TelemetryRecord:
    ts = int(time.time())
    record = events_pb2.TelemetryRecord(satellite_id="SAT-1")
    record.sample_time.FromSeconds(ts)
    record.housekeeping.battery_voltage_v = 3.9  # SMAP's records carry the bus housekeeping
    for name, width in widths.items():
        record.frames.add(subsystem=name, features=[value] * width)
    return record


def _without_housekeeping(record):
    record.ClearField("housekeeping")
    return record


SMAP_WIDTHS = {view.name: view.width for view in load_mission_database().subsystems(DEFAULT_CLASS)}


def test_a_record_is_checked_against_its_class():
    subsystems = load_mission_database().subsystems(DEFAULT_CLASS)
    good = _record(SMAP_WIDTHS, 1.0)
    validate_envelope(good)
    validate_frames(good, subsystems)
    cases = {
        "wrong_vector_length": _record({**SMAP_WIDTHS, "eps": 24}),
        "missing_subsystem": _record({k: v for k, v in SMAP_WIDTHS.items() if k != "tcs"}),
        "value_out_of_range": _record(SMAP_WIDTHS, 2.0),  # command flags are 0 or 1
        "non_finite_value": _record(SMAP_WIDTHS, math.inf),
        "missing_housekeeping": _without_housekeeping(_record(SMAP_WIDTHS)),
    }
    for reason, record in cases.items():
        with pytest.raises(InvalidRecordError) as info:
            validate_frames(record, subsystems)
        assert info.value.reason == reason, reason
    with pytest.raises(InvalidRecordError) as info:
        validate_frames(_record(SMAP_WIDTHS, 2.0), subsystems)
    assert "acs.command_01 = 2.0 is outside its valid range 0..1" in info.value.detail


def test_models_come_from_the_class_or_the_registry_never_from_the_record():
    subsystems = load_mission_database().subsystems(DEFAULT_CLASS)
    entry = SatelliteEntry("SAT-1", DEFAULT_CLASS, {name: f"SMAP_{name}" for name in SMAP_WIDTHS})
    assert models_of(entry, subsystems) == {name: f"SMAP_{name}" for name in SMAP_WIDTHS}
    with pytest.raises(InvalidRecordError) as info:
        models_of(SatelliteEntry("SAT-2", DEFAULT_CLASS, {"acs": "SMAP_A-1"}), subsystems)
    assert info.value.reason == "no_model" and "data, eps, fsw, ps, ss, tcs" in info.value.detail


def test_rules_are_read_from_the_mission_database(tmp_path):
    database = MissionDatabase.load(write(tmp_path, "cubesat.yaml", POWER).parent)
    engine = RuleEngine(conditions(database.spacecraft_class("cubesat").rules))
    cold, warm = telemetry_pb2.Housekeeping(obc_temperature_c=-25), telemetry_pb2.Housekeeping(obc_temperature_c=5)
    assert engine.evaluate("SAT-1", 1, warm) == []
    assert engine.evaluate("SAT-1", 2, cold) == ["cold"]
    assert engine.evaluate("SAT-1", 3, cold) == []


def test_topics_follow_the_mission_database():
    topics = all_topics()
    assert {f"satmon.telemetry.{name}" for name in SMAP_WIDTHS} <= set(topics)


@pytest.mark.parametrize("ranged", [[0], [1, 3], [0, 1, 2, 3]])
def test_the_range_screen_clears_in_range_vectors_and_every_value_outside_its_range_is_named(ranged):
    from satmon_mdb.database import SubsystemView
    from satmon_mdb.schema import Subsystem, Window
    from satmon_core.validation import _out_of_range

    bounds = {0: (-5.0, 5.0), 1: (0.0, 1.0), 2: (-1.0, 2.0), 3: (0.0, 1.0)}
    definition = Subsystem.model_validate({"name": "probe", "display_name": "Probe", "parameters": [
        {"name": f"p{i}", **({"valid_range": {"low": bounds[i][0], "high": bounds[i][1]}} if i in ranged else {})}
        for i in range(4)]})
    view = SubsystemView("probe_class", definition, Window(), False, False)
    assert _out_of_range(view, [0.5, 0.5, 0.5, 0.5]) is None
    assert _out_of_range(view, [-4.0, 0.0, 1.5, 1.0]) is None  # outside the screen's tightest bounds, inside every range
    for index in ranged:
        values = [0.5] * 4
        values[index] = bounds[index][1] + 0.5
        assert _out_of_range(view, values).startswith(f"probe.p{index} = "), (ranged, index)
