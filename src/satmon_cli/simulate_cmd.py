"""`satmon simulate`: replay SMAP telemetry into the raw topic with a progress bar."""

from __future__ import annotations

import argparse
import os
import sys

from tqdm import tqdm

from satmon_cli.stack.layout import service_env

__all__ = ["simulate", "parse_triggers"]


def parse_triggers(values: list[str]) -> dict:
    from satmon_simulator.domain.housekeeping import RULE_OVERRIDES, Override

    overrides: dict[str, list] = {}
    for value in values:
        try:
            sat, rest = value.split(":", 1)
            rule, second = rest.split("@", 1)
            if rule not in RULE_OVERRIDES:
                raise ValueError(rule)
            overrides.setdefault(sat, []).append(Override(rule, float(second)))
        except ValueError:
            raise SystemExit(f"satmon: --trigger {value!r}: expected SAT:RULE@SECOND with RULE one of "
                             f"{', '.join(RULE_OVERRIDES)}") from None
    return {sat: tuple(items) for sat, items in overrides.items()}


def simulate(args: argparse.Namespace) -> int:
    import psycopg

    from satmon_core.config import load_settings
    from satmon_core.fleet_registry import register_satellites
    from satmon_core.kafka import make_producer
    from satmon_core.tracing import setup_tracing
    from satmon_simulator.replay import ReplayPlan, fleet_models, replay

    for name, value in (("--satellites", args.satellites), ("--rate", args.rate), ("--speedup", args.speedup)):
        if value <= 0:
            print(f"satmon: {name} must be positive", file=sys.stderr)
            return 2
    setup_tracing("satmon-simulator")
    # The local stack's addresses, unless the environment points elsewhere.
    settings = load_settings({**service_env(), **{k: v for k, v in os.environ.items() if k.startswith("SATMON_")}})
    with psycopg.connect(settings.pg_dsn) as conn:
        register_satellites(conn, fleet_models(args.satellites))
    plan = ReplayPlan(args.satellites, args.rate, args.duration, args.speedup, args.loops, args.start_row,
                      parse_triggers(args.trigger), stagger=args.stagger)
    producer = make_producer(settings.kafka_bootstrap)
    total = int(args.duration * args.rate) * args.satellites
    with tqdm(total=total, desc="replaying", unit="rec", disable=None) as bar:
        produced = replay(plan, producer, settings.raw_topic, progress=bar.update,
                          ground_truth_topic=settings.ground_truth_topic)
    print(f"produced {produced} records from {args.satellites} satellites to {settings.raw_topic}")
    return 0
