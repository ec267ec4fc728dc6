"""`satmon alerts`: the newest alerts from the one alert list, each with a dashboard link to its trend.

Read from PostgreSQL's `alerts` view (what the ops API serves), so it works from the machine that runs
the stack without a token. A limit alert's link opens the parameter that crossed its limit.
"""

from __future__ import annotations

import time
from datetime import datetime

import psycopg

from satmon_cli.stack.layout import HOST, port, service_env
from satmon_mdb import load_mission_database

__all__ = ["list_alerts", "trend_link"]

MARGIN_S = 300  # seconds of trend shown before and after an alert


def trend_link(satellite_id: str, subsystem: str, start: datetime, end: datetime, feature: int = 0) -> str:
    """The dashboard's trend view of one satellite's subsystem around an alert."""
    return (f"http://{HOST}:{port('envoy')}/#/trends?satellite={satellite_id}&subsystem={subsystem}"
            f"&feature={feature}&from={int(start.timestamp()) - MARGIN_S}&to={int(end.timestamp()) + MARGIN_S}")


def _feature(conn: psycopg.Connection, satellite_id: str, subsystem: str, parameter: str | None) -> int:
    if not parameter:
        return 0
    row = conn.execute("SELECT spacecraft_class FROM satellites WHERE satellite_id = %s", (satellite_id,)).fetchone()
    if row is None:
        return 0
    names = load_mission_database().subsystem(row[0], subsystem).parameter_names
    return names.index(parameter) if parameter in names else 0


def list_alerts(limit: int, wait_s: float = 0.0) -> int:
    """Prints the newest `limit` alerts; with `wait_s`, first waits that long for at least one."""
    dsn = service_env()["SATMON_PG_DSN"]
    deadline = time.monotonic() + wait_s
    with psycopg.connect(dsn) as conn:
        while True:
            rows = conn.execute(
                "SELECT alert_id, kind, severity, satellite_id, subsystem, parameter, start_time, end_time, state "
                "FROM alerts ORDER BY created_at DESC, alert_id DESC LIMIT %s", (limit,)).fetchall()
            if rows or time.monotonic() >= deadline:
                break
            time.sleep(2)
        if not rows:
            print("no alerts yet")
            return 0
        print(f"{'alert':>6}  {'kind':<5} {'severity':<8} {'satellite':<9} {'subsystem':<9} {'parameter':<16} "
              f"{'start (UTC)':<19} {'state':<12} trend")
        for alert_id, kind, severity, sat, subsystem, parameter, start, end, state in rows:
            link = trend_link(sat, subsystem, start, end, _feature(conn, sat, subsystem, parameter))
            print(f"{alert_id:>6}  {kind:<5} {severity or '-':<8} {sat:<9} {subsystem:<9} {parameter or '-':<16} "
                  f"{start:%Y-%m-%d %H:%M:%S} {state:<12} {link}")
    return 0
