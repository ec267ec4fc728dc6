"""`satmon`: run, inspect and test the satellite telemetry monitoring stack."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from satmon_detection.windows import STRIDE

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="satmon",
        description="Satellite telemetry monitoring: start the local stack, replay SMAP telemetry, "
                    "train and evaluate the detection models.",
        epilog="Run `satmon COMMAND --help` for a command's options.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("up", help="start every component (or the named ones), wait for health, print endpoints")
    p.add_argument("components", nargs="*", help="only these components (default: all)")
    p.add_argument("--scale", default="", metavar="SERVICE=N,...",
                   help="run N processes of a service, e.g. worker=2,scheduler=2 (router, scheduler, worker, "
                        "writer, ops-api); they share Kafka partitions and the Celery queue; kept until changed")
    p = sub.add_parser("down", help="stop everything `satmon up` started, by PID; data is kept")
    p.add_argument("components", nargs="*", help="only these components (default: all)")
    sub.add_parser("status", help="components up/down, Kafka consumer lag, RabbitMQ queue depth, job counts")
    sub.add_parser("env", help="print the SATMON_* variables that point a client at the local stack")
    sub.add_parser("gen", help="regenerate Python and TypeScript code from proto/")

    p = sub.add_parser("simulate", help="replay SMAP telemetry from N satellites into the raw topic")
    p.add_argument("--satellites", type=int, default=5, help="number of satellites, SAT-001.. (default 5)")
    p.add_argument("--rate", type=float, default=1.0, help="records per satellite per second (default 1)")
    p.add_argument("--duration", type=float, default=60.0, help="simulated seconds to replay (default 60)")
    p.add_argument("--speedup", type=float, default=1.0, help="replay this many times faster than real time")
    p.add_argument("--loops", type=int, default=1, help="stop after this many passes over the data (default 1)")
    p.add_argument("--start-row", type=int, default=0, help="first row of the SMAP test arrays to replay")
    p.add_argument("--stagger", type=int, default=0, metavar="S",
                   help="start satellite k's stream k mod S records after the first (default 0: all together, "
                        "so every satellite's windows close in the same second)")
    p.add_argument("--trigger", action="append", default=[], metavar="SAT:RULE@SECOND",
                   help="force a rule condition, e.g. SAT-002:low_battery@40 (low_battery, cold_obc, hot_obc, thruster)")

    p = sub.add_parser("train", help="train one ONNX model per SMAP channel into triton-repository/")
    p.add_argument("--channels", nargs="*", help="only these channels (default: all labelled channels)")
    p.add_argument("--out", type=Path, help="model repository (default: triton-repository/)")
    p.add_argument("--jobs", type=int, default=2, help="channels trained in parallel (default 2)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--architecture", choices=["forecaster", "autoencoder"], default="forecaster",
                   help="forecaster: the committed models; autoencoder: the earlier window autoencoder, for comparison")

    p = sub.add_parser("eval", help="run the committed models and the live detector over every SMAP test array")
    p.add_argument("--json", action="store_true", help="print the full report as JSON")
    p.add_argument("--channels", nargs="*", help="only these channels")
    p.add_argument("--repository", type=Path, help="model repository (default: triton-repository/)")
    p.add_argument("--window-phase", type=int, default=0, choices=range(STRIDE), metavar="0-9",
                   help="cut the windows as a live stream with this phase does: windows start at records phase, "
                        "phase + 10, ... (each live stream's phase is a hash of its satellite and subsystem)")

    p = sub.add_parser("mdb", help="check the mission database's class files, or show what a class declares",
                       description="The mission database: one YAML file per spacecraft class in SATMON_MDB_DIR "
                                   "(default mission-db/), naming its subsystems, parameters, units, limits, "
                                   "windows, models and rules.")
    mdb = p.add_subparsers(dest="mdb_command", metavar="ACTION", required=True)
    q = mdb.add_parser("validate", help="check class files against the schema; errors name the file and field")
    q.add_argument("files", nargs="*", type=Path, help="class files to check (default: the whole database)")
    q = mdb.add_parser("show", help="print a class's subsystems, windows, models and rules")
    q.add_argument("spacecraft_class", nargs="?", metavar="CLASS", help="only this class (default: all)")
    q.add_argument("--parameters", action="store_true", help="list every parameter with its unit and limits")

    sub.add_parser("init", help="apply database migrations and create Kafka topics (compose runs this once)")
    p = sub.add_parser("envoy-config", help="render envoy/envoy.tmpl.yaml and the descriptor set into a folder")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--bind", default="127.0.0.1", help="address of the REST/gRPC listener")
    p.add_argument("--admin-bind", default="127.0.0.1", help="address of Envoy's admin interface (keep it private)")
    p.add_argument("--dist", type=Path, help="built dashboard to serve (default web/dist)")
    p.add_argument("--upstreams-by-name", action="store_true",
                   help="reach services by their compose names (router, scheduler, ...) instead of 127.0.0.1")

    p = sub.add_parser("token", help="issue, list or revoke operators' bearer tokens")
    p.add_argument("action", choices=["create", "list", "revoke"])
    p.add_argument("--name", help="who the token is for (create), or whose tokens to revoke")
    p.add_argument("--role", choices=["viewer", "operator"], default="viewer")

    p = sub.add_parser("retention", help="delete old jobs: completed after 30 days, failed after 7")
    p.add_argument("--completed-days", type=int, default=30)
    p.add_argument("--failed-days", type=int, default=7)
    return parser


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `satmon status | head` ends quietly
    args = build_parser().parse_args(argv)
    if args.command in ("up", "down", "status", "env"):
        from satmon_cli import stack_cmd

        return getattr(stack_cmd, args.command)(args)
    if args.command == "gen":
        from satmon_cli.codegen import generate_all

        generate_all()
        print("regenerated gen/python, web/src/gen and gen/openapi/satmon.openapi.json")
        return 0
    if args.command == "train":
        from satmon_cli.models_cmd import train

        return train(args.channels, args.out, args.jobs, args.seed, args.epochs, args.architecture)
    if args.command == "eval":
        from satmon_cli.models_cmd import evaluate

        return evaluate(args.repository, args.channels, args.json, args.window_phase)
    if args.command == "simulate":
        from satmon_cli.simulate_cmd import simulate

        return simulate(args)
    if args.command == "mdb":
        from satmon_cli import mdb_cmd

        if args.mdb_command == "validate":
            return mdb_cmd.validate(args.files)
        return mdb_cmd.show(args.spacecraft_class, args.parameters)
    if args.command == "init":
        from satmon_core.config import load_settings
        from satmon_core.kafka import ensure_topics
        from satmon_core.migrations import apply_migrations
        from satmon_core.topics import all_topics

        settings = load_settings()
        applied = apply_migrations(settings.pg_dsn)
        ensure_topics(settings.kafka_bootstrap, all_topics(settings.topic_prefix))
        print(f"migrations applied: {', '.join(applied) or 'none pending'}; topics ready")
        return 0
    if args.command == "envoy-config":
        from satmon_cli.envoy_config import UPSTREAMS, render_envoy_config

        hosts = {c: c for c in UPSTREAMS.values()} if args.upstreams_by_name else None
        print(render_envoy_config(args.out, bind=args.bind, upstream_hosts=hosts, dist=args.dist,
                                  admin_bind=args.admin_bind))
        return 0
    if args.command == "token":
        from satmon_cli.stack_cmd import token

        return token(args)
    if args.command == "retention":
        from satmon_cli.stack_cmd import retention

        return retention(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
