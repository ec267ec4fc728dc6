"""Alert changes as PostgreSQL announces them (NOTIFY satmon_alert_changes, migration 0011).

A listening connection of its own, outside the pool: LISTEN belongs to a session, and a pooled
connection would hand that session to other queries.
"""

from __future__ import annotations

import psycopg

__all__ = ["ALERT_CHANNEL", "AlertNotifications"]

ALERT_CHANNEL = "satmon_alert_changes"
# After the first notification, how long to keep gathering before answering: a writer batch that
# touches several alerts commits them together, and one fetch for all of them is cheaper than many.
GATHER_S = 0.05


class AlertNotifications:
    """`with AlertNotifications(dsn) as changes:` listens; `changes.wait(timeout)` gives changed alert ids."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.conn: psycopg.Connection | None = None

    def __enter__(self) -> "AlertNotifications":
        self.conn = psycopg.connect(self.dsn, autocommit=True, connect_timeout=5)
        self.conn.execute(f"LISTEN {ALERT_CHANNEL}")
        return self

    def __exit__(self, *_exc) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def wait(self, timeout: float) -> set[int]:
        """Ids of the alerts changed since the last call: waits up to `timeout` for the first change.
        Raises psycopg.OperationalError when the connection is lost (the caller reconnects and
        catches up on what changed meanwhile)."""
        assert self.conn is not None, "use inside `with`"
        changed = {int(n.payload) for n in self.conn.notifies(timeout=timeout, stop_after=1)}
        if changed:
            changed |= {int(n.payload) for n in self.conn.notifies(timeout=GATHER_S)}
        return changed
