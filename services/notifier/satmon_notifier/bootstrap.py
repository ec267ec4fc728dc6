"""Wires the notifier: its PostgreSQL role, the configuration file, Apprise, and its liveness."""

from __future__ import annotations

from satmon_core.config import Settings
from satmon_core.grpc_server import ServiceProcess
from satmon_core.liveness import LoopLiveness
from satmon_core.postgres import ServiceRole, dsn_as, make_pool
from satmon_notifier.adapters import apprise_sender
from satmon_notifier.adapters.config_file import ConfigFile
from satmon_notifier.adapters.store import NotificationStore
from satmon_notifier.notifier import Notifier, event_listener

__all__ = ["build"]


def build(settings: Settings) -> ServiceProcess:
    dsn = dsn_as(settings.pg_dsn, ServiceRole.NOTIFIER)
    pool = make_pool(dsn, max_size=4)
    liveness = LoopLiveness("notifier", "notifications")
    notifier = Notifier(NotificationStore(pool), ConfigFile(settings.notifications_file), apprise_sender.send,
                        liveness, listen=lambda: event_listener(dsn))

    def notify(stopping) -> None:
        notifier.run(stopping)
    notify.__name__ = "notifier"
    # No gRPC service of its own: the server carries health (SERVING while the loop is live) and nothing
    # else, so `satmon up`, the keeper and `satmon status` watch it like every other service.
    return ServiceProcess("notifier", settings, loops=[notify], on_stop=[pool.close], liveness=[liveness])
