"""Alert changes as PostgreSQL announces them (NOTIFY satmon_alert_changes, migration 0011)."""

from __future__ import annotations

from satmon_core.pg_listen import ChannelListener

__all__ = ["ALERT_CHANNEL", "AlertNotifications"]

ALERT_CHANNEL = "satmon_alert_changes"


class AlertNotifications(ChannelListener):
    """`with AlertNotifications(dsn) as changes:` listens; `changes.wait(timeout)` gives changed alert ids."""

    def __init__(self, dsn: str) -> None:
        super().__init__(dsn, ALERT_CHANNEL)

    def wait(self, timeout: float) -> set[int]:  # type: ignore[override]
        """Ids of the alerts changed since the last call (see ChannelListener.wait)."""
        return {int(payload) for payload in super().wait(timeout)}
