"""`satmon notify validate | list | test`: the notification file checked, shown with what was
delivered, and each contact point tried with a test message."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import apprise
import psycopg

from satmon_cli.stack.layout import service_env
from satmon_core.config import notifications_file
from satmon_notifier.adapters.apprise_sender import check_urls, send
from satmon_notifier.domain.config import ConfigError, NotificationConfig, load_config
from satmon_notifier.domain.messages import Message

__all__ = ["validate", "show", "test"]


def _load_or_report(path: Path | None) -> tuple[Path, NotificationConfig] | None:
    """The configuration, or None once its errors (naming file and field) are printed."""
    path = path or notifications_file()
    try:
        return path, load_config(path)
    except ConfigError as exc:
        print(exc)
        return None


def validate(path: Path | None = None) -> int:
    if (loaded := _load_or_report(path)) is None:
        return 1
    path, config = loaded
    problems = []
    for name, point in config.contact_points.items():
        try:
            urls = point.resolved_urls()
        except ConfigError as exc:
            problems.append(f"{path}: contact_points.{name}: {exc}")
            continue
        problems += [f"{path}: contact_points.{name}: Apprise cannot use {_private(url)}" for url in check_urls(urls)]
    for problem in problems:
        print(problem)
    if not problems:
        print(f"{path}: ok ({len(config.contact_points)} contact points, {len(config.routes)} routes, "
              f"{len(config.silences)} silences)")
    return 1 if problems else 0


def show(path: Path | None = None) -> int:
    if (loaded := _load_or_report(path)) is None:
        return 1
    path, config = loaded
    print(f"Notifications from {path}")
    print("\nContact points:")
    for name, point in config.contact_points.items() or []:
        print(f"  {name:<20} {', '.join(_private(url) for url in point.urls)}")
    if not config.contact_points:
        print("  (none)")
    print("\nRoutes:")
    for route in config.routes:
        match = route.match
        covers = ", ".join(part for part in (
            f"satellites {' '.join(match.satellites)}" if match.satellites else "",
            f"subsystems {' '.join(match.subsystems)}" if match.subsystems else "",
            f"kinds {' '.join(match.kinds)}" if match.kinds else "",
            f"severity >= {match.min_severity}") if part)
        limit = f", at most {route.rate_limit.messages} per {route.rate_limit.per_s:g} s" if route.rate_limit else ""
        print(f"  {route.name:<20} {covers} -> {', '.join(route.contact_points)} "
              f"(grouped by {', '.join(route.group_by)}, wait {route.group_wait_s:g} s{limit})")
    if not config.routes:
        print("  (none: no alert is sent anywhere)")
    print("\nSilences:")
    now = datetime.now(timezone.utc)
    for silence in config.silences:
        state = "active" if silence.starts <= now < silence.ends else ("upcoming" if now < silence.starts else "ended")
        print(f"  {silence.name:<20} {state:<8} {silence.starts:%Y-%m-%d %H:%M}-{silence.ends:%Y-%m-%d %H:%M} UTC "
              f"{silence.comment}")
    if not config.silences:
        print("  (none)")
    _show_deliveries()
    return 0


def _show_deliveries() -> None:
    try:
        with psycopg.connect(service_env()["SATMON_PG_DSN"], connect_timeout=3) as conn:
            rows = conn.execute(
                "SELECT route, contact_point, count(*) FILTER (WHERE status = 'sent'), "
                "count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'silenced'), "
                "max(attempts) FILTER (WHERE status = 'pending'), "
                "(array_agg(last_error ORDER BY delivery_id DESC) FILTER (WHERE status = 'pending' AND last_error <> ''))[1] "
                "FROM notification_deliveries GROUP BY 1, 2 ORDER BY 1, 2").fetchall()
            unrouted = conn.execute("SELECT count(*) FROM notification_events e WHERE NOT EXISTS (SELECT 1 FROM notification_routings r WHERE r.event_id = e.event_id)").fetchone()[0]
    except psycopg.Error as exc:
        print(f"\nDeliveries: the stack's PostgreSQL cannot be asked ({exc.__class__.__name__})")
        return
    print(f"\nDeliveries (alert events not routed yet: {unrouted}):")
    for route, point, sent, pending, silenced, attempts, error in rows:
        waiting = f", waiting after {attempts} attempts: {error}" if error else ""
        print(f"  {route:<20} -> {point:<16} sent {sent}, pending {pending}, silenced {silenced}{waiting}")
    if not rows:
        print("  (none yet)")


def test(contact_point: str = "", path: Path | None = None) -> int:
    if (loaded := _load_or_report(path)) is None:
        return 1
    path, config = loaded
    names = [contact_point] if contact_point else list(config.contact_points)
    if not names:
        print(f"{path} declares no contact point")
        return 1
    failed = 0
    for name in names:
        point = config.contact_point(name)
        if point is None:
            print(f"{name}: not declared in {path}")
            failed += 1
            continue
        message = Message(f"[satmon TEST] contact point {name}",
                          f"A test message from `satmon notify test`, sent {datetime.now(timezone.utc):%Y-%m-%d %H:%M:%S} "
                          f"UTC. Alerts routed to {name} arrive like this, with a link to their trend.")
        try:
            error = send(point.resolved_urls(), message, "warning")
        except ConfigError as exc:
            error = str(exc)
        print(f"{name}: {'delivered' if error is None else 'FAILED: ' + error}")
        failed += error is not None
    return 1 if failed else 0


def _private(url: str) -> str:
    """The URL as Apprise shows it with secrets hidden."""
    plugin = apprise.Apprise.instantiate(url)
    return plugin.url(privacy=True) if plugin is not None else url.split("://", 1)[0] + "://..."
