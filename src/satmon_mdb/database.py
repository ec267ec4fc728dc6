"""Loading the mission database (a folder of class files) and answering what services ask of it.

Loaded once per process. The folder is SATMON_MDB_DIR, or `mission-db/` in the checkout; the SMAP
class ships there and is the default class of a satellite registered without one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from operator import itemgetter
from pathlib import Path

import yaml
from pydantic import ValidationError

from satmon_core.paths import repo_root
from satmon_mdb.schema import Parameter, ParameterKind, SpacecraftClass, Subsystem, Window

__all__ = ["DEFAULT_CLASS", "MissionDatabaseError", "MissionDatabase", "SubsystemView", "load_class_file",
           "mdb_dir", "load_mission_database"]

DEFAULT_CLASS = "smap"


class MissionDatabaseError(ValueError):
    """A class file that cannot be used; the message names the file and the field."""


def mdb_dir() -> Path:
    return Path(os.environ.get("SATMON_MDB_DIR") or repo_root() / "mission-db").resolve()


def _field_path(location: tuple) -> str:
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(top level)"


def load_class_file(path: Path) -> SpacecraftClass:
    """One class file, validated; MissionDatabaseError names the file and every bad field."""
    try:
        document = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise MissionDatabaseError(f"{path.name}: not readable YAML: {exc}") from None
    if not isinstance(document, dict):
        raise MissionDatabaseError(f"{path.name}: (top level): expected a mapping of class fields")
    # Top-level `x-` keys hold YAML anchors shared by several subsystems (as in compose files).
    document = {key: value for key, value in document.items() if not str(key).startswith("x-")}
    try:
        return SpacecraftClass.model_validate(document)
    except ValidationError as exc:
        problems = [f"{path.name}: {_field_path(e['loc'])}: {e['msg'].removeprefix('Value error, ')}"
                    for e in exc.errors()]
        raise MissionDatabaseError("\n".join(problems)) from None


@dataclass(frozen=True)
class SubsystemView:
    """A subsystem as services use it: its window, and where its parameters sit in a value vector."""

    spacecraft_class: str
    definition: Subsystem
    window: Window
    housekeeping: bool  # the class's records carry the bus housekeeping message
    smap_metric_names: bool  # the class's values are stored as smap_feature{feature_index}

    @property
    def name(self) -> str:
        return self.definition.name

    @property
    def model(self) -> str | None:
        return self.definition.model

    @cached_property
    def parameter_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.definition.parameters)

    @property
    def width(self) -> int:
        """Values per record."""
        return len(self.definition.parameters)

    @cached_property
    def telemetry_indices(self) -> tuple[int, ...]:
        """Positions of measured values (not command flags): what a trend plots and a model predicts."""
        return tuple(i for i, p in enumerate(self.definition.parameters) if p.kind is ParameterKind.TELEMETRY)

    @cached_property
    def limited(self) -> tuple[tuple[int, Parameter], ...]:
        """(position, parameter) of every parameter with yellow or red limits."""
        return tuple((i, p) for i, p in enumerate(self.definition.parameters) if p.limits is not None)

    @cached_property
    def valid_ranges(self) -> tuple[tuple[int, float, float], ...]:
        return tuple((i, p.valid_range.low, p.valid_range.high)
                     for i, p in enumerate(self.definition.parameters) if p.valid_range is not None)

    @cached_property
    def range_screen(self) -> tuple[Callable[[Sequence[float]], Sequence[float]], float, float] | None:
        """(the values of a vector that have a valid range, the highest low and the lowest high of
        those ranges): a vector whose ranged values all lie between the two bounds is inside every
        range, which min() and max() tell at C speed. None when no parameter has a range."""
        indices = [index for index, _, _ in self.valid_ranges]
        if not indices:
            return None
        if indices == list(range(indices[0], indices[-1] + 1)):  # one run of parameters (SMAP's command flags)
            first, end = indices[0], indices[-1] + 1
            ranged = lambda values: values[first:end]  # noqa: E731
        else:
            pick = itemgetter(*indices)
            ranged = (lambda values: (pick(values),)) if len(indices) == 1 else pick
        return ranged, max(low for _, low, _ in self.valid_ranges), min(high for _, _, high in self.valid_ranges)


class MissionDatabase:
    """Every class in the folder, by name."""

    def __init__(self, classes: dict[str, SpacecraftClass]) -> None:
        self.classes = classes
        names: dict[str, None] = {}
        for spacecraft_class in classes.values():
            names.update((s.name, None) for s in spacecraft_class.subsystems)
        self._subsystem_names = tuple(names)

    @classmethod
    def load(cls, folder: Path) -> MissionDatabase:
        files = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))
        if not files:
            raise MissionDatabaseError(f"{folder}: no class files (*.yaml)")
        classes: dict[str, SpacecraftClass] = {}
        for path in files:
            spacecraft_class = load_class_file(path)
            if spacecraft_class.name in classes:
                raise MissionDatabaseError(f"{path.name}: name: class {spacecraft_class.name!r} is declared twice")
            classes[spacecraft_class.name] = spacecraft_class
        return cls(classes)

    def spacecraft_class(self, name: str) -> SpacecraftClass:
        try:
            return self.classes[name]
        except KeyError:
            raise MissionDatabaseError(f"unknown spacecraft class {name!r}; known: {', '.join(sorted(self.classes))}") from None

    def subsystems(self, class_name: str) -> tuple[SubsystemView, ...]:
        return self._views(class_name)

    def subsystem(self, class_name: str, subsystem: str) -> SubsystemView:
        for view in self._views(class_name):
            if view.name == subsystem:
                return view
        raise MissionDatabaseError(f"class {class_name!r} has no subsystem {subsystem!r}")

    @lru_cache(maxsize=None)
    def _views(self, class_name: str) -> tuple[SubsystemView, ...]:
        spacecraft_class = self.spacecraft_class(class_name)
        return tuple(SubsystemView(class_name, s, s.window or spacecraft_class.window, spacecraft_class.housekeeping,
                                   spacecraft_class.smap_metric_names) for s in spacecraft_class.subsystems)

    def subsystem_names(self) -> tuple[str, ...]:
        """Every subsystem name of every class, each once (one Kafka topic each), in declaration order."""
        return self._subsystem_names


@lru_cache(maxsize=1)
def load_mission_database() -> MissionDatabase:
    """The process's mission database, loaded once."""
    return MissionDatabase.load(mdb_dir())
