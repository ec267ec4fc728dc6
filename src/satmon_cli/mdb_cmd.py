"""`satmon mdb validate | show`: check class files, and print what a class declares."""

from __future__ import annotations

import sys
from pathlib import Path

from satmon_mdb import MissionDatabase, MissionDatabaseError, load_class_file, mdb_dir

__all__ = ["validate", "show"]


def validate(files: list[Path]) -> int:
    """Every named file, or the whole mission database folder; one line per problem."""
    if not files:
        try:
            database = MissionDatabase.load(mdb_dir())
        except MissionDatabaseError as exc:
            print(exc, file=sys.stderr)
            return 1
        for spacecraft_class in database.classes.values():
            print(f"ok  {spacecraft_class.name}: {len(spacecraft_class.subsystems)} subsystems, "
                  f"{sum(len(s.parameters) for s in spacecraft_class.subsystems)} parameters")
        return 0
    failed = 0
    for path in files:
        try:
            spacecraft_class = load_class_file(path)
        except MissionDatabaseError as exc:
            print(exc, file=sys.stderr)
            failed += 1
            continue
        print(f"ok  {path}: class {spacecraft_class.name}")
    return 1 if failed else 0


def _limits(parameter) -> str:
    if parameter.limits is None:
        return ""
    limits = parameter.limits
    return " ".join(f"{label} {value:g}" for label, value in (
        ("red<", limits.red_low), ("yellow<", limits.yellow_low), ("yellow>", limits.yellow_high),
        ("red>", limits.red_high)) if value is not None)


def show(class_name: str | None, parameters: bool) -> int:
    try:
        database = MissionDatabase.load(mdb_dir())
        names = [class_name] if class_name else sorted(database.classes)
        classes = [database.spacecraft_class(n) for n in names]
    except MissionDatabaseError as exc:
        print(exc, file=sys.stderr)
        return 1
    for spacecraft_class in classes:
        print(f"{spacecraft_class.name}: {spacecraft_class.display_name}")
        if spacecraft_class.description:
            print(f"  {spacecraft_class.description}")
        for view in database.subsystems(spacecraft_class.name):
            s = view.definition
            print(f"  {s.name:<10} {s.display_name:<28} window {view.window.size}/{view.window.stride}  "
                  f"model {s.model or '(per satellite)'}  {len(s.parameters)} parameters "
                  f"({len(view.telemetry_indices)} telemetry)")
            if parameters:
                for p in s.parameters:
                    unit = f" [{p.unit}]" if p.unit else ""
                    print(f"      {p.name:<20} {p.kind.value:<9} {p.type.value:<5}{unit} {_limits(p)}".rstrip())
        for rule in spacecraft_class.rules:
            condition = (f"< {rule.below:g}" if rule.below is not None else
                         f"> {rule.above:g}" if rule.above is not None else "is true")
            print(f"  rule {rule.name}: {rule.parameter} {condition}")
    return 0
