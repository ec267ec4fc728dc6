"""`satmon up | down | status | env | retention`."""

from __future__ import annotations

import argparse
import os
import sys

from satmon_cli.stack.layout import service_env

__all__ = ["up", "down", "status", "env", "retention", "token", "consumer_groups"]


def consumer_groups() -> dict[str, list[str]]:
    """Each consumer group satmon runs, with the topics it reads (for lag in `satmon status`)."""
    from satmon_core.config import load_settings
    from satmon_mdb import load_mission_database

    s = load_settings(service_env())
    subsystem_topics = [s.subsystem_topic(n) for n in load_mission_database().subsystem_names()]
    return {
        "satmon-router": [s.raw_topic],
        "satmon-scheduler": subsystem_topics,
        "satmon-writer-telemetry": subsystem_topics,
        "satmon-writer-limits": [s.raw_topic],
        "satmon-writer-results": [s.results_topic],
        "satmon-writer-jobs": [s.jobs_topic],
        "satmon-writer-groundtruth": [s.ground_truth_topic],
    }



def up(args: argparse.Namespace) -> int:
    from satmon_cli.stack.supervisor import StackError, parse_scale
    from satmon_cli.stack.supervisor import up as start

    print("satmon up")
    try:
        states = start(args.components, scale=parse_scale(args.scale))
    except StackError as exc:
        print(f"satmon: {exc}", file=sys.stderr)
        return 1
    unhealthy = [s.name for s in states if not s.healthy]
    if unhealthy:
        print(f"satmon: not healthy: {', '.join(unhealthy)}", file=sys.stderr)
        return 1
    print("all components healthy; `satmon status` to inspect, `satmon down` to stop")
    return 0


def down(args: argparse.Namespace) -> int:
    from satmon_cli.stack.supervisor import StackError
    from satmon_cli.stack.supervisor import down as stop

    print("satmon down")
    try:
        stop(args.components)
    except StackError as exc:
        print(f"satmon: {exc}", file=sys.stderr)
        return 1
    return 0


def status(args: argparse.Namespace) -> int:
    from satmon_cli.stack.components.rabbitmq import rabbitmqctl
    from satmon_cli.stack.supervisor import component_states

    states = component_states()
    print(f"{'component':<18} {'state':<6} {'pid':>7} {'restarts':>8}  endpoint")
    for s in states:
        state = "up" if s.healthy else ("sick" if s.pid else "down")
        print(f"{s.name:<18} {state:<6} {s.pid or '-':>7} {s.restarts:>8}  {s.endpoint}")
    up_names = {s.name for s in states if s.healthy}
    env = service_env()
    if "kafka" in up_names:
        from satmon_core.kafka import consumer_lag, group_members

        print(f"\n{'kafka consumer group':<28} {'lag':>8}  processes holding partitions")
        for group, topics in consumer_groups().items():
            bootstrap = env["SATMON_KAFKA_BOOTSTRAP"]
            try:
                print(f"  {group:<26} {consumer_lag(bootstrap, group, topics):>8}  {group_members(bootstrap, group)}")
            except Exception as exc:  # noqa: BLE001 - status must print what it can
                print(f"  {group:<26} unknown ({exc})")
    _print_loop_states([s.name for s in states if s.pid])
    if "inference-server" in up_names:
        _print_triton_counts()
    if "rabbitmq" in up_names:
        print("\nrabbitmq queue depth")
        result = rabbitmqctl("list_queues", "-p", "satmon", "name", "messages", "--quiet", "--no-table-headers")
        for line in result.stdout.strip().splitlines() or ["(no queues)"]:
            print(f"  {line}")
    if "postgres" in up_names:
        import psycopg

        from satmon_core.detection_quality import fetch_detection_quality

        print("\ninference jobs")
        with psycopg.connect(env["SATMON_PG_DSN"]) as conn:
            rows = conn.execute("SELECT status, count(*) FROM inference_jobs GROUP BY status ORDER BY status").fetchall()
            quality = fetch_detection_quality(conn)
        for state, count in rows or [("(none)", 0)]:
            print(f"  {state:<12} {count}")
        print("\nlive detection vs the replay's labels (event-wise)")
        print(f"  precision {quality.precision:.3f}  recall {quality.recall:.3f}  F1 {quality.f1:.3f}  "
              f"({quality.detected_sequences} of {quality.labelled_sequences} labelled sequences reached so far "
              f"detected, {quality.false_alerts} false alerts, {quality.labelled_streams} labelled streams)")
        print("live detection vs operators' dispositions (unlabelled streams)")
        print(f"  precision {quality.judged_precision:.3f}  recall {quality.judged_recall:.3f}  "
              f"({quality.true_anomalies} true anomalies, {quality.known_events} known events, "
              f"{quality.false_alarms} false alarms judged; {quality.missed} marked as missed)")
    return 0 if all(s.healthy for s in states) else 3


def _print_loop_states(names: list[str]) -> None:
    """Each consume loop's liveness, as its process exports it (satmon_consumer_loop_*)."""
    import urllib.request

    from prometheus_client.parser import text_string_to_metric_families

    from satmon_cli.stack.layout import HOST, METRICS_OFFSET, OWN_SERVICES, port

    rows = []
    for name in names:
        if name.rstrip("-0123456789") not in OWN_SERVICES:
            continue
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port(name) + METRICS_OFFSET}/metrics", timeout=3) as r:
                text = r.read().decode()
        except OSError as exc:
            rows.append(f"  {name:<12} unknown ({exc})")
            continue
        loops: dict[str, dict[str, float]] = {}
        for family in text_string_to_metric_families(text):
            if family.name.startswith("satmon_consumer_loop_"):
                for sample in family.samples:
                    loops.setdefault(sample.labels["group"], {})[sample.name] = sample.value
        for group, values in sorted(loops.items()):
            healthy = {1.0: "live", 0.0: "STALLED"}.get(values.get("satmon_consumer_loop_healthy"), "?")
            lag = values.get("satmon_consumer_loop_lag")
            rows.append(f"  {name:<12} {group:<26} {healthy:<8} {int(values.get('satmon_consumer_loop_partitions', 0)):>5}"
                        f" {values.get('satmon_consumer_loop_seconds_since_poll', 0):>8.1f}"
                        f" {'-' if lag is None else int(lag):>8} {int(values.get('satmon_consumer_loop_repairs_total', 0)):>7}")
    if rows:
        print(f"\n{'consume loop':<14} {'group':<26} {'state':<8} {'parts':>5} {'poll ago':>8} {'lag':>8} {'repairs':>7}")
        print("\n".join(rows))


def _print_triton_counts() -> None:
    """Per-model inference counts from Triton's own metrics (`nv_inference_count`)."""
    import re
    import urllib.request

    from satmon_cli.stack.layout import HOST, port

    try:
        with urllib.request.urlopen(f"http://{HOST}:{port('inference-server-metrics')}/metrics", timeout=3) as r:
            text = r.read().decode()
    except OSError as exc:
        print(f"\ntriton inference counts unknown ({exc})")
        return
    counts = {m: int(float(v)) for m, v in re.findall(r'^nv_inference_count\{model="([^"]+)"[^}]*\} (\S+)', text, re.M)}
    print(f"\ntriton inferences per model ({sum(counts.values())} in all)")
    cells = [f"{model:<10} {count:>9}" for model, count in sorted(counts.items())]
    for i in range(0, len(cells), 4):
        print("  " + "   ".join(cells[i:i + 4]))


def env(args: argparse.Namespace) -> int:
    for key, value in service_env().items():
        print(f"export {key}='{value}'")
    return 0


def retention(args: argparse.Namespace) -> int:
    import psycopg

    from satmon_core.postgres import ServiceRole, dsn_as
    from satmon_core.retention import delete_expired_jobs

    # Jobs are the writer's: retention deletes them with the writer's rights.
    with psycopg.connect(dsn_as(service_env()["SATMON_PG_DSN"], ServiceRole.WRITER)) as conn:
        completed, failed = delete_expired_jobs(conn, args.completed_days, args.failed_days)
    print(f"deleted {completed} completed jobs older than {args.completed_days} days "
          f"and {failed} failed jobs older than {args.failed_days} days")
    return 0


def token(args: argparse.Namespace) -> int:
    import psycopg

    from satmon_core.auth import issue_token

    dsn = os.environ.get("SATMON_PG_DSN") or service_env()["SATMON_PG_DSN"]
    with psycopg.connect(dsn) as conn:
        if args.action == "create":
            if not args.name:
                print("satmon: token create needs --name", file=sys.stderr)
                return 2
            print(issue_token(conn, args.name, args.role))
        elif args.action == "list":
            for name, role, created, revoked in conn.execute(
                    "SELECT name, role, created_at, revoked_at FROM api_tokens ORDER BY created_at"):
                print(f"{name:<20} {role:<9} {created:%Y-%m-%d %H:%M} {'revoked' if revoked else 'active'}")
        else:
            if not args.name:
                print("satmon: token revoke needs --name", file=sys.stderr)
                return 2
            count = conn.execute("UPDATE api_tokens SET revoked_at = now() WHERE name = %s AND revoked_at IS NULL",
                                 (args.name,)).rowcount
            print(f"revoked {count} token(s) of {args.name}")
    return 0
