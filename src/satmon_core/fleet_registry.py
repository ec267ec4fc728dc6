"""The fleet registry (table `satellites`), read by the router to reject unknown satellites."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable

import psycopg

__all__ = ["register_satellites", "FleetRegistry"]


def register_satellites(conn: psycopg.Connection, satellite_ids: Iterable[str]) -> None:
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO satellites (satellite_id) VALUES (%s) ON CONFLICT DO NOTHING",
                        [(s,) for s in satellite_ids])
    conn.commit()


class FleetRegistry:
    """Cached set of known satellite ids; refreshed periodically and, at most once a second, on a miss."""

    def __init__(self, dsn: str, refresh_s: float = 10.0) -> None:
        self.dsn = dsn
        self.refresh_s = refresh_s
        self.known: frozenset[str] = frozenset()
        self.loaded_at = 0.0
        self.lock = threading.Lock()

    def _reload(self) -> None:
        with psycopg.connect(self.dsn, connect_timeout=5) as conn:
            self.known = frozenset(r[0] for r in conn.execute("SELECT satellite_id FROM satellites"))
        self.loaded_at = time.monotonic()

    def is_known(self, satellite_id: str) -> bool:
        age = time.monotonic() - self.loaded_at
        if age > self.refresh_s or (satellite_id not in self.known and age > 1.0):
            with self.lock:
                self._reload()
        return satellite_id in self.known
