"""The notification configuration file, reread when it changes. A change that does not pass the
schema is reported and the last good configuration stays in force, so a typo never stops delivery."""

from __future__ import annotations

import logging
from pathlib import Path

from satmon_core import metrics
from satmon_notifier.domain.config import ConfigError, NotificationConfig, load_config

__all__ = ["ConfigFile"]

log = logging.getLogger(__name__)


class ConfigFile:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: tuple[float, int] | None = None
        self._config = NotificationConfig()

    def current(self) -> NotificationConfig:
        stamp = self._read_stamp()
        if stamp != self._stamp:
            self._stamp = stamp
            try:
                self._config = load_config(self.path)
                metrics.NOTIFICATION_CONFIG_VALID.set(1)
                metrics.NOTIFICATION_ROUTES.set(len(self._config.routes))
                log.info("notification configuration %s: %d contact points, %d routes, %d silences", self.path,
                         len(self._config.contact_points), len(self._config.routes), len(self._config.silences))
            except ConfigError as exc:
                metrics.NOTIFICATION_CONFIG_VALID.set(0)
                log.error("notification configuration not applied, the previous one stays: %s", exc)
        return self._config

    def _read_stamp(self) -> tuple[float, int] | None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        return (stat.st_mtime, stat.st_size)
