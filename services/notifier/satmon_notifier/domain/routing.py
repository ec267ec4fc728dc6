"""What happens to one alert event: which routes take it, to which contact points, in which group,
when it may go, and whether a silence holds it back. Pure: the clock comes in as `now`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from satmon_notifier.domain.config import AlertFacts, NotificationConfig

__all__ = ["PlannedDelivery", "plan_deliveries", "RETRY_FIRST_S", "RETRY_MAX_S", "retry_delay_s", "rate_limited_until"]

# A contact point that fails is tried again after 5 s, doubling to at most 5 minutes, for as long as it
# takes: a delivery is never dropped, and `satmon notify list` shows what waits and why.
RETRY_FIRST_S = 5.0
RETRY_MAX_S = 300.0


@dataclass(frozen=True)
class PlannedDelivery:
    route: str
    contact_point: str
    group_key: str
    due_at: datetime
    silence: str = ""  # the silence that holds it back ("" when it is to be sent)


def plan_deliveries(config: NotificationConfig, alert: AlertFacts, now: datetime) -> list[PlannedDelivery]:
    """Every route that covers the alert sends it to each of its contact points after the route's
    group wait, unless a silence active now covers it (then it is recorded as silenced)."""
    silence = next((s.name for s in config.silences if s.silences(alert, now)), "")
    planned = []
    for route in config.routes:
        if not route.match.covers(alert):
            continue
        for contact_point in route.contact_points:
            planned.append(PlannedDelivery(route.name, contact_point, route.group_key(alert),
                                           now + timedelta(seconds=route.group_wait_s), silence))
    return planned


def retry_delay_s(attempts: int) -> float:
    """The wait before the next try, after `attempts` failed ones (attempts >= 1)."""
    return min(RETRY_MAX_S, RETRY_FIRST_S * 2 ** max(0, attempts - 1))


def rate_limited_until(sent_times: list[datetime], messages: int, per_s: float, now: datetime) -> datetime | None:
    """When the next message may go under "at most `messages` in any `per_s` seconds", given the send
    times of earlier messages; None when it may go now."""
    window_start = now - timedelta(seconds=per_s)
    recent = sorted(t for t in sent_times if t > window_start)
    if len(recent) < messages:
        return None
    return recent[len(recent) - messages] + timedelta(seconds=per_s)
