"""`satmon alerts`: the newest alerts from the one alert list, each with a dashboard link to its trend.

Read from PostgreSQL's `alerts` view (what the ops API serves), so it works from the machine that runs
the stack without a token. A limit alert's link opens the parameter that crossed its limit.
"""

from __future__ import annotations

import time
import psycopg

from satmon_cli.stack.layout import HOST, port, service_env
from satmon_core.trend_links import parameter_feature, trend_link

__all__ = ["list_alerts", "dashboard_url"]


def dashboard_url() -> str:
    """The local stack's dashboard, through Envoy."""
    return f"http://{HOST}:{port('envoy')}/"


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
            link = trend_link(dashboard_url(), sat, subsystem, start, end,
                              parameter_feature(conn, sat, subsystem, parameter))
            print(f"{alert_id:>6}  {kind:<5} {severity or '-':<8} {sat:<9} {subsystem:<9} {parameter or '-':<16} "
                  f"{start:%Y-%m-%d %H:%M:%S} {state:<12} {link}")
    return 0
