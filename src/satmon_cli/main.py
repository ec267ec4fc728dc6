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
                    "onboard a spacecraft class from its own archive, train and evaluate the detection models.",
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
    p = sub.add_parser("alerts", help="the newest alerts (model and limit), each with a dashboard link to its trend")
    p.add_argument("--limit", type=int, default=20, help="how many, newest first (default 20)")
    p.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                   help="wait up to this long for a first alert (the demo's replay is still being scored)")
    p = sub.add_parser("labels", help="operators' judgements (true anomalies, marked missed spans) as labels.csv")
    labels = p.add_subparsers(dest="labels_command", required=True)
    q = labels.add_parser("export", help="write labels.csv in the format `satmon eval --class` reads",
                          description="Model alerts resolved as a true anomaly, and spans operators marked as "
                                      "missed anomalies, one row each: satellite_id, subsystem, start, end (UTC). "
                                      "False alarms are left out: they are the absence of a label.")
    q.add_argument("--out", type=Path, default=Path("labels.csv"), help="where to write (default ./labels.csv)")
    q.add_argument("--satellite", default="", help="only this satellite (default: every one)")
    q.add_argument("--known-events", action="store_true", help="also label alerts resolved as known events")
    p = sub.add_parser("notify", help="notifications of alerts: check, show and try the contact points and routes",
                       description="Contact points, routes and silences live in one YAML file (SATMON_NOTIFICATIONS, "
                                   "default config/notifications.yaml); the notifier service rereads it when it "
                                   "changes.")
    notify = p.add_subparsers(dest="notify_command", required=True)
    q = notify.add_parser("validate", help="check the file: schema, contact point names, Apprise URLs")
    q.add_argument("file", type=Path, nargs="?", help="another file than SATMON_NOTIFICATIONS")
    q = notify.add_parser("list", help="contact points (secrets hidden), routes, silences, and what was delivered")
    q.add_argument("--file", type=Path, help="another file than SATMON_NOTIFICATIONS")
    q = notify.add_parser("test", help="send a test message to every contact point (or one) and say what happened")
    q.add_argument("--contact-point", default="", metavar="NAME", help="only this contact point")
    q.add_argument("--file", type=Path, help="another file than SATMON_NOTIFICATIONS")
    sub.add_parser("gen", help="regenerate Python and TypeScript code from proto/")

    p = sub.add_parser("register", help="register satellites of a spacecraft class in the fleet registry",
                       description="Register (or re-register) satellites with their spacecraft class; records of "
                                   "unregistered satellites are dead-lettered.")
    p.add_argument("satellites", nargs="+", metavar="SATELLITE_ID")
    p.add_argument("--class", dest="spacecraft_class", required=True, help="the class in the mission database")
    p.add_argument("--model", action="append", default=[], metavar="SUBSYSTEM=MODEL",
                   help="the model scoring a subsystem whose class names none (repeatable)")

    p = sub.add_parser("archive", help="archives in the documented CSV format (see the README's onboarding)")
    archive = p.add_subparsers(dest="archive_command", metavar="ACTION", required=True)
    q = archive.add_parser("synth", help="write a synthetic leo_demo archive from the simulator's physics",
                           description="Writes <OUT>/<SATELLITE_ID>.csv (and labels.csv with --faults) for the "
                                       "leo_demo class: orbit, power and thermal simulation with sensor noise.")
    q.add_argument("out", type=Path, metavar="OUT")
    q.add_argument("--class", dest="spacecraft_class", default="leo_demo")
    q.add_argument("--satellites", type=int, default=2, help="satellites SAT-101.. (default 2)")
    q.add_argument("--seconds", type=int, default=6 * 3600, help="rows per satellite at 1 Hz (default 6 h)")
    q.add_argument("--faults", action="store_true", help="inject labelled faults in the second half")
    q.add_argument("--start", help="first timestamp, ISO 8601 (default: so the archive ends now)")
    q.add_argument("--seed", type=int, default=0, help="sensor noise seed")
    q.add_argument("--first", type=int, default=101, help="number of the first satellite (default 101)")

    p = sub.add_parser("import", help="load an archive (CSV export) into VictoriaMetrics for registered satellites",
                       description="Checks every file whole (bad rows are reported with line numbers and nothing is "
                                   "loaded), then imports every value under the names live telemetry uses.")
    p.add_argument("archive", type=Path, metavar="ARCHIVE_DIR")
    p.add_argument("--class", dest="spacecraft_class", required=True)

    p = sub.add_parser(
        "simulate", help="replay SMAP telemetry from N satellites (or a class's archive) into the raw topic",
        description="Replays real NASA SMAP telemetry (the test arrays in SATMON_DATA_DIR) as if N satellites "
                    "were flying: satellite k's seven subsystems (acs, data, eps, fsw, ps, ss, tcs) replay the k-th "
                    "channel of SMAP's families A, D, E, F, P, S and T (wrapping in a family with fewer), one "
                    "record per second of simulated time "
                    "from --start-row on, with housekeeping derived from them. The channels' anomaly labels "
                    "are published beside the replay, so `satmon status` and the dashboard show live "
                    "precision and recall. With --archive, replays a class's own CSV archive instead.")
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
    p.add_argument("--class", dest="spacecraft_class", default="smap",
                   help="with --archive: the archive's spacecraft class (default smap: the SMAP replay)")
    p.add_argument("--archive", type=Path, metavar="DIR",
                   help="replay this archive (one <SATELLITE_ID>.csv per satellite) instead of SMAP; its "
                        "satellites are registered with --class; records are re-timed to end now")

    p = sub.add_parser("train", help="train one ONNX model per SMAP channel, or a class's models, into triton-repository/",
                       description="Without --class: SMAP's per-channel forecasters (needs PyTorch). With --class: "
                                   "one linear forecaster per subsystem of the class (numpy, seconds), from its stored "
                                   "telemetry (or --archive), written with its config and loaded into the running "
                                   "Triton without a restart.")
    p.add_argument("--class", dest="spacecraft_class", help="train this class's models (any class but smap)")
    p.add_argument("--archive", type=Path, metavar="DIR", help="with --class: train from these CSV files instead "
                                                                 "of the stored telemetry")
    p.add_argument("--start", help="with --class: stored telemetry from (ISO 8601; default 30 days back)")
    p.add_argument("--end", help="with --class: stored telemetry to (ISO 8601; default now)")
    p.add_argument("--no-load", action="store_true", help="with --class: only write the models")
    p.add_argument("--channels", nargs="*", help="only these channels (default: all labelled channels)")
    p.add_argument("--out", type=Path, help="model repository (default: triton-repository/)")
    p.add_argument("--jobs", type=int, default=2, help="channels trained in parallel (default 2)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--architecture", choices=["forecaster", "ensemble", "horizon", "autoencoder"],
                   default="forecaster",
                   help="forecaster: the window forecaster; ensemble: the forecaster beside a long-context GRU "
                        "(its windows need the mission database's window.context: 230); horizon and "
                        "autoencoder: earlier designs, for comparison")

    p = sub.add_parser("eval", help="run the committed models and the live detector over every SMAP test array "
                                    "(or a class's labelled archive)")
    p.add_argument("--json", action="store_true", help="print the full report as JSON")
    p.add_argument("--class", dest="spacecraft_class", help="evaluate this class's models on --archive")
    p.add_argument("--archive", type=Path, metavar="DIR", help="with --class: labelled archive (labels.csv beside "
                                                                 "the satellite files)")
    p.add_argument("--channels", nargs="*", help="only these channels")
    p.add_argument("--repository", type=Path, help="model repository (default: triton-repository/)")
    p.add_argument("--window-phase", type=int, default=0, choices=range(STRIDE), metavar="0-9",
                   help="cut the windows as a live stream with this phase does: windows start at records phase, "
                        "phase + 10, ... (each live stream's phase is a hash of its satellite and subsystem)")
    p.add_argument("--cross-validate", action="store_true",
                   help="choose the detector's parameters leaving one SMAP channel family out at a time, and "
                        "report the held-out families' figures beside the in-sample best (minutes)")

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
    if args.command == "alerts":
        from satmon_cli.alerts_cmd import list_alerts

        return list_alerts(args.limit, args.wait)
    if args.command == "labels":
        from satmon_cli.labels_cmd import export_labels

        return export_labels(args.out, args.satellite, args.known_events)
    if args.command == "notify":
        from satmon_cli import notify_cmd

        if args.notify_command == "validate":
            return notify_cmd.validate(args.file)
        if args.notify_command == "list":
            return notify_cmd.show(args.file)
        return notify_cmd.test(args.contact_point, args.file)
    if args.command == "gen":
        from satmon_cli.codegen import generate_all

        generate_all()
        print("regenerated gen/python, web/src/gen and gen/openapi/satmon.openapi.json")
        return 0
    if args.command in ("register", "archive", "import") or (
            args.command in ("train", "eval") and args.spacecraft_class) or (
            args.command == "simulate" and args.archive):
        return _onboarding(args)
    if args.command == "train":
        from satmon_cli.models_cmd import train

        return train(args.channels, args.out, args.jobs, args.seed, args.epochs, args.architecture)
    if args.command == "eval":
        from satmon_cli.models_cmd import evaluate

        if args.cross_validate:
            from satmon_cli.models_cmd import cross_validate

            return cross_validate(args.repository, args.channels, args.json, args.window_phase)
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


def _onboarding(args) -> int:
    from satmon_cli import onboard_cmd

    if args.command == "register":
        return onboard_cmd.register(args.spacecraft_class, args.satellites, args.model)
    if args.command == "archive":
        return onboard_cmd.synth(args.out, args.spacecraft_class, args.satellites, args.seconds, args.faults,
                                 args.start, args.seed, args.first)
    if args.command == "import":
        return onboard_cmd.import_archive(args.archive, args.spacecraft_class)
    if args.command == "train":
        return onboard_cmd.train_class(args.spacecraft_class, args.archive, args.start, args.end, args.out,
                                       not args.no_load)
    if args.command == "simulate":
        return onboard_cmd.simulate_archive(args.archive, args.spacecraft_class, args.speedup)
    if args.archive is None:
        print("satmon: eval --class needs --archive DIR (a labelled archive)", file=sys.stderr)
        return 2
    return onboard_cmd.evaluate_class(args.spacecraft_class, args.archive, args.repository, args.json)


if __name__ == "__main__":
    sys.exit(main())
