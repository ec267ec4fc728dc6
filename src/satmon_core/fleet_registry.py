"""The fleet registry (table `satellites`), read by the router to reject unknown satellites."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable

import psycopg

from satmon_core.errors import TransientError

__all__ = ["register_satellites", "FleetRegistry"]

log = logging.getLogger(__name__)


def register_satellites(conn: psycopg.Connection, satellite_ids: Iterable[str]) -> None:
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO satellites (satellite_id) VALUES (%s) ON CONFLICT DO NOTHING",
                        [(s,) for s in satellite_ids])
    conn.commit()


class FleetRegistry:
    """Cached set of known satellite ids; refreshed periodically and, at most once a second, on a miss.

    While PostgreSQL is away a satellite already known stays known (the cache is a few seconds old),
    and one not known cannot be decided: TransientError, so the router holds that batch and retries
    rather than dead-lettering a satellite that may have just been registered.
    """

    def __init__(self, dsn: str, refresh_s: float = 10.0) -> None:
        self.dsn = dsn
        self.refresh_s = refresh_s
        self.known: frozenset[str] = frozenset()
        self.loaded_at = 0.0
        self.failed_at = 0.0
        self.lock = threading.Lock()

    def _reload(self) -> None:
        with psycopg.connect(self.dsn, connect_timeout=5) as conn:
            self.known = frozenset(r[0] for r in conn.execute("SELECT satellite_id FROM satellites"))
        self.loaded_at = time.monotonic()

    def is_known(self, satellite_id: str) -> bool:
        now = time.monotonic()
        age = now - self.loaded_at
        if (age > self.refresh_s or (satellite_id not in self.known and age > 1.0)) and now - self.failed_at > 1.0:
            with self.lock:
                try:
                    self._reload()
                except psycopg.OperationalError as exc:
                    self.failed_at = now
                    log.warning("fleet registry not refreshed: %s", exc)
        if satellite_id in self.known:
            return True
        if self.failed_at > self.loaded_at:
            raise TransientError(f"fleet registry unavailable; cannot decide on {satellite_id}",
                                 reason="DATABASE_UNAVAILABLE")
        return False
