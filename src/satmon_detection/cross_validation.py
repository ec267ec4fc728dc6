"""Leave-one-family-out cross-validation of the detector's parameters on SMAP.

satmon is judged on spacecraft whose telemetry it never saw, so a figure from
parameters chosen on the same channels it is scored on flatters. Here each of
SMAP's channel families (A, B, D, E, F, G, P, R, S, T: one spacecraft
subsystem each) is held out in turn: the parameters are chosen on the other
families (best event-wise F1, then fewer false alerts), and the held-out
family is scored with them. The held-out families' counts, summed, are the
cross-validated figure; it says what the choice of parameters is worth on
telemetry the choice never saw. The models themselves are trained on each
channel's own `train` array only, as always; no labels reach them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from satmon_detection.detector import DetectorConfig
from satmon_detection.evaluation import ChannelScore, aggregate
from satmon_detection.offline import ScoredChannel, detect_channel

__all__ = ["PARAMETER_GRID", "family_of", "grid_configs", "choose", "cross_validate"]

# The parameters labels may choose, each around the committed value.
PARAMETER_GRID: dict[str, tuple] = {
    "smoothing_span": (10, 30, 60),
    "min_percent_above": (0.2, 0.3, 0.5),
    "merge_gap": (50, 100, 200),
}


def family_of(channel: str) -> str:
    """A SMAP channel's family letter: `A-1` -> `A`."""
    return channel.split("-", 1)[0]


def grid_configs(base: DetectorConfig, grid: Mapping[str, Sequence] = PARAMETER_GRID) -> list[DetectorConfig]:
    return [replace(base, **dict(zip(grid, values))) for values in itertools.product(*grid.values())]


def choose(results: Mapping[DetectorConfig, list[ChannelScore]], channels: set[str]) -> DetectorConfig:
    """The setting with the best event-wise F1 over these channels (fewer false alerts breaks ties)."""
    def merit(config: DetectorConfig) -> tuple[float, int]:
        overall = aggregate([r for r in results[config] if r.channel in channels])
        return overall["event_f1"], -overall["false_alerts"]

    return max(results, key=merit)


def cross_validate(scored: Sequence[ScoredChannel], configs: Sequence[DetectorConfig],
                   progress: Callable[[DetectorConfig], None] = lambda _: None) -> dict:
    """In-sample best setting and the leave-one-family-out figures, over the same scored channels."""
    results: dict[DetectorConfig, list[ChannelScore]] = {}
    for config in configs:
        results[config] = [detect_channel(channel, config) for channel in scored]
        progress(config)
    every = {c.channel for c in scored}
    in_sample = choose(results, every)
    held_out: list[ChannelScore] = []
    folds = []
    for family in sorted({family_of(c) for c in every}):
        chosen = choose(results, {c for c in every if family_of(c) != family})
        scores = [r for r in results[chosen] if family_of(r.channel) == family]
        held_out += scores
        folds.append({"family": family, "chosen": _grid_values(chosen),
                      "held_out": _headline(aggregate(scores))})
    return {"in_sample": {"chosen": _grid_values(in_sample), **_headline(aggregate(results[in_sample]))},
            "cross_validated": _headline(aggregate(held_out)), "folds": folds,
            "grid": {k: list(v) for k, v in PARAMETER_GRID.items()}}


def _grid_values(config: DetectorConfig) -> dict:
    return {k: getattr(config, k) for k in PARAMETER_GRID}


def _headline(overall: dict) -> dict:
    keys = ("event_precision", "event_recall", "event_f1", "false_alerts", "median_detection_delay",
            "event_tp", "event_fn")
    return {k: overall[k] for k in keys}
