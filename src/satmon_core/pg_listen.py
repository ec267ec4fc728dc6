"""Waiting for PostgreSQL NOTIFY on one channel.

A listening connection of its own, outside any pool: LISTEN belongs to a session, and a pooled
connection would hand that session to other queries.
"""

from __future__ import annotations

import psycopg
from psycopg import sql

__all__ = ["ChannelListener"]

# After the first notification, how long to keep gathering before answering: a transaction that
# announces several changes commits them together, and one answer for all of them is cheaper.
GATHER_S = 0.05


class ChannelListener:
    """`with ChannelListener(dsn, channel) as listener:` listens; `listener.wait(timeout)` gives payloads."""

    def __init__(self, dsn: str, channel: str) -> None:
        self.dsn, self.channel = dsn, channel
        self.conn: psycopg.Connection | None = None

    def __enter__(self) -> "ChannelListener":
        self.conn = psycopg.connect(self.dsn, autocommit=True, connect_timeout=5)
        self.conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
        return self

    def __exit__(self, *_exc) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def wait(self, timeout: float) -> list[str]:
        """Payloads announced since the last call: waits up to `timeout` for the first. Raises
        psycopg.OperationalError when the connection is lost (the caller reconnects and catches up
        from its tables: a notification sent while nobody listened is gone)."""
        assert self.conn is not None, "use inside `with`"
        payloads = [n.payload for n in self.conn.notifies(timeout=timeout, stop_after=1)]
        if payloads:
            payloads += [n.payload for n in self.conn.notifies(timeout=GATHER_S)]
        return payloads
