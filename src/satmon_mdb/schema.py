"""The mission database's schema: what one spacecraft class file may say, checked by pydantic.

A class file (YAML, one per spacecraft class, in the mission database folder) declares:

    name, display_name, description
    window: {size, stride, context}        the class's default window, in records; context: the
                                           rows before each window its model also reads (default 0)
    subsystems:                            in the order records carry them
      - name, display_name, description
        window: {size, stride, context}    optional, overrides the class's
        model: <Triton model name>         optional; without it each satellite's registry
                                           entry names the model (SMAP replays one channel each)
        parameters:                        in the order a subsystem's values arrive
          - name, unit, type (float|int|bool), kind (telemetry|command), description
            valid_range: {low, high}       outside it a record is invalid (dead-lettered)
            limits: {red_low, yellow_low, yellow_high, red_high}
    housekeeping: true|false               records carry the bus housekeeping message (default false)
    smap_metric_names: true|false          store as smap_feature{feature_index} (SMAP only)
    rules:                                 conditions on housekeeping that start a scoring job
      - name, parameter, below | above | is_true

Unknown keys are errors (a typo must not silently drop a limit), and every error names the file
and the field's path, e.g. `smap.yaml: subsystems[2].parameters[0].limits.red_high: ...`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from satmon_detection.windows import STRIDE, WINDOW_SIZE

__all__ = ["NAME_PATTERN", "HOUSEKEEPING_PARAMETERS", "ParameterType", "ParameterKind", "ValidRange", "Limits",
           "Window", "Parameter", "Subsystem", "Rule", "SpacecraftClass"]

# Names travel as Kafka topic suffixes, metric labels and SQL values: lower case, no spaces.
NAME_PATTERN = r"^[a-z][a-z0-9_]{0,31}$"
Name = Annotated[str, Field(pattern=NAME_PATTERN)]

# Bus telemetry every record carries (telemetry.v1.Housekeeping), which rules may test.
HOUSEKEEPING_PARAMETERS = ("battery_voltage_v", "battery_soc_percent", "obc_temperature_c", "solar_power_w",
                           "power_consumption_w", "thruster_active", "in_eclipse")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ParameterType(StrEnum):
    FLOAT = "float"
    INT = "int"
    BOOL = "bool"


class ParameterKind(StrEnum):
    TELEMETRY = "telemetry"  # a measured value, predicted by the model and plotted
    COMMAND = "command"      # a command flag sent or received, context for the model


class ValidRange(_Strict):
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> ValidRange:
        if self.low > self.high:
            raise ValueError(f"low {self.low} is above high {self.high}")
        return self


class Limits(_Strict):
    """Yellow (warning) and red (critical) limits; any may be left out."""

    red_low: float | None = None
    yellow_low: float | None = None
    yellow_high: float | None = None
    red_high: float | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Limits:
        present = [(n, v) for n in ("red_low", "yellow_low", "yellow_high", "red_high")
                   if (v := getattr(self, n)) is not None]
        if not present:
            raise ValueError("limits must set at least one of red_low, yellow_low, yellow_high, red_high")
        for (a, va), (b, vb) in zip(present, present[1:]):
            if va >= vb:
                raise ValueError(f"{a} ({va}) must be below {b} ({vb})")
        return self


class Window(_Strict):
    """Records per window and between window starts. Only 30/10 is served today: the models take
    30 rows, and the writer and the online detector read each window's newest stride of 10 (see
    satmon_detection.windows). Declaring another is refused here rather than scored wrongly."""

    size: int = 30
    stride: int = 10
    # Rows before each window that the subsystem's model reads as well (a long-context forecaster):
    # the scheduler sends them with the window, their telemetry parameters only; the window stays
    # the unit of scheduling and scoring.
    context: Annotated[int, Field(ge=0, le=10_000)] = 0

    @model_validator(mode="after")
    def _served(self) -> Window:
        if self.stride > self.size:
            raise ValueError(f"stride {self.stride} is longer than the window ({self.size}): records would be skipped")
        if (self.size, self.stride) != (WINDOW_SIZE, STRIDE):
            raise ValueError(f"windows of {self.size} records every {self.stride} are not served yet; "
                             f"the models and the detector take {WINDOW_SIZE} every {STRIDE}")
        return self


class Parameter(_Strict):
    name: Name
    description: str = ""
    unit: str = ""
    type: ParameterType = ParameterType.FLOAT
    kind: ParameterKind = ParameterKind.TELEMETRY
    valid_range: ValidRange | None = None
    limits: Limits | None = None


class Subsystem(_Strict):
    name: Name
    display_name: str
    description: str = ""
    window: Window | None = None
    model: str | None = Field(None, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
    parameters: list[Parameter] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_parameters(self) -> Subsystem:
        _no_repeats("parameter", [p.name for p in self.parameters])
        return self


class Rule(_Strict):
    """A housekeeping condition whose rising edge starts a scoring job of every subsystem."""

    name: str = Field(pattern=r"^[A-Za-z0-9_.<>=-]{1,40}$")
    description: str = ""
    parameter: str
    below: float | None = None
    above: float | None = None
    is_true: bool | None = None

    @model_validator(mode="after")
    def _one_condition(self) -> Rule:
        if self.parameter not in HOUSEKEEPING_PARAMETERS:
            raise ValueError(f"parameter {self.parameter!r} is not housekeeping; one of {', '.join(HOUSEKEEPING_PARAMETERS)}")
        if sum(c is not None for c in (self.below, self.above, self.is_true)) != 1:
            raise ValueError("set exactly one of below, above, is_true")
        return self


class SpacecraftClass(_Strict):
    name: Name
    display_name: str
    description: str = ""
    # Records carry the bus housekeeping message (battery, OBC temperature, position, ...), which
    # rules test and the fleet view shows; a class whose bus telemetry is in its own subsystems
    # sends records without it.
    housekeeping: bool = False
    # Store values as the design documents' smap_feature{feature_index} / smap_prediction series,
    # which SMAP's operators already query; other classes use telemetry_value{parameter}.
    smap_metric_names: bool = False
    window: Window = Window()
    subsystems: list[Subsystem] = Field(min_length=1)
    rules: list[Rule] = []

    @model_validator(mode="after")
    def _unique_names(self) -> SpacecraftClass:
        _no_repeats("subsystem", [s.name for s in self.subsystems])
        _no_repeats("rule", [r.name for r in self.rules])
        if self.rules and not self.housekeeping:
            raise ValueError("rules test housekeeping: set housekeeping: true, or declare no rules")
        return self


def _no_repeats(what: str, names: list[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValueError(f"{what} {name!r} is declared twice")
        seen.add(name)

