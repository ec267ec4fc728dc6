"""The fleet registry (table `satellites`): each satellite's spacecraft class and models.

The router reads it to reject unknown satellites and to check a record against its class; the
writer and the ops API ask whether a satellite is known.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import psycopg
from psycopg.types.json import Jsonb

from satmon_core.errors import TransientError
from satmon_mdb import DEFAULT_CLASS, SubsystemView, load_mission_database

__all__ = ["register_satellites", "FleetRegistry", "SatelliteEntry"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SatelliteEntry:
    satellite_id: str
    spacecraft_class: str
    models: Mapping[str, str] = field(default_factory=dict)  # subsystem -> model, where the class names none


def register_satellites(conn: psycopg.Connection, models: Mapping[str, Mapping[str, str]],
                        spacecraft_class: str = DEFAULT_CLASS) -> None:
    """Registers (or re-registers) satellites of one class, each with its per-subsystem models."""
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO satellites (satellite_id, spacecraft_class, models) VALUES (%s, %s, %s) "
            "ON CONFLICT (satellite_id) DO UPDATE SET spacecraft_class = EXCLUDED.spacecraft_class, "
            "models = EXCLUDED.models",
            [(sat, spacecraft_class, Jsonb(dict(per_subsystem))) for sat, per_subsystem in models.items()])
    conn.commit()


class FleetRegistry:
    """Cached registry entries; refreshed periodically and, at most once a second, on a miss.

    While PostgreSQL is away a satellite already known stays known (the cache is a few seconds old),
    and one not known cannot be decided: TransientError, so the router holds that batch and retries
    rather than dead-lettering a satellite that may have just been registered.
    """

    def __init__(self, dsn: str, refresh_s: float = 10.0) -> None:
        self.dsn = dsn
        self.refresh_s = refresh_s
        self.entries: dict[str, SatelliteEntry] = {}
        self.loaded_at = 0.0
        self.failed_at = 0.0
        self.lock = threading.Lock()

    def _reload(self) -> None:
        with psycopg.connect(self.dsn, connect_timeout=5) as conn:
            rows = conn.execute("SELECT satellite_id, spacecraft_class, models FROM satellites").fetchall()
        self.entries = {sat: SatelliteEntry(sat, cls, models or {}) for sat, cls, models in rows}
        self.loaded_at = time.monotonic()

    def entry(self, satellite_id: str) -> SatelliteEntry | None:
        """The satellite's registration, or None when it is not registered."""
        now = time.monotonic()
        age = now - self.loaded_at
        if (age > self.refresh_s or (satellite_id not in self.entries and age > 1.0)) and now - self.failed_at > 1.0:
            with self.lock:
                try:
                    self._reload()
                except psycopg.OperationalError as exc:
                    self.failed_at = now
                    log.warning("fleet registry not refreshed: %s", exc)
        if (found := self.entries.get(satellite_id)) is not None:
            return found
        if self.failed_at > self.loaded_at:
            raise TransientError(f"fleet registry unavailable; cannot decide on {satellite_id}",
                                 reason="DATABASE_UNAVAILABLE")
        return None

    def is_known(self, satellite_id: str) -> bool:
        return self.entry(satellite_id) is not None

    def subsystems_of(self, satellite_id: str) -> tuple[SubsystemView, ...]:
        """The subsystems of the satellite's class; the default class's for one not registered
        (a manual job may score telemetry of a satellite the fleet does not stream)."""
        entry = self.entry(satellite_id)
        return load_mission_database().subsystems(entry.spacecraft_class if entry else DEFAULT_CLASS)
