"""Links that open an alert's trend in the dashboard: one definition for `satmon alerts`, the demo's
printout and every notification. A limit alert's link opens the parameter that crossed its limit."""

from __future__ import annotations

from datetime import datetime

import psycopg

from satmon_mdb import load_mission_database

__all__ = ["MARGIN_S", "trend_link", "parameter_feature"]

MARGIN_S = 300  # seconds of trend shown before and after an alert


def trend_link(dashboard_url: str, satellite_id: str, subsystem: str, start: datetime, end: datetime,
               feature: int = 0) -> str:
    """The dashboard's trend view of one satellite's subsystem around an alert."""
    return (f"{dashboard_url.rstrip('/')}/#/trends?satellite={satellite_id}&subsystem={subsystem}"
            f"&feature={feature}&from={int(start.timestamp()) - MARGIN_S}&to={int(end.timestamp()) + MARGIN_S}")


def parameter_feature(conn: psycopg.Connection, satellite_id: str, subsystem: str, parameter: str | None) -> int:
    """The trend's feature index of `parameter` in the satellite's class (0 when there is none)."""
    if not parameter:
        return 0
    row = conn.execute("SELECT spacecraft_class FROM satellites WHERE satellite_id = %s", (satellite_id,)).fetchone()
    if row is None:
        return 0
    names = load_mission_database().subsystem(row[0], subsystem).parameter_names
    return names.index(parameter) if parameter in names else 0
