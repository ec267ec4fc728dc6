"""Sending a message to a contact point's Apprise URLs (email, webhooks, Slack, Teams, ...)."""

from __future__ import annotations

import logging

import apprise

from satmon_notifier.domain.messages import Message

__all__ = ["send", "check_urls"]

_SEVERITY_TYPE = {"critical": apprise.NotifyType.FAILURE, "warning": apprise.NotifyType.WARNING}


def check_urls(urls: list[str]) -> list[str]:
    """The URLs Apprise cannot use (an unknown scheme, a malformed address)."""
    return [url for url in urls if apprise.Apprise.instantiate(url) is None]


def send(urls: list[str], message: Message, severity: str = "warning") -> str | None:
    """Sends to every URL; None when all accepted it, else what went wrong (Apprise's own words).
    A URL that fails makes the whole message fail, so a retry goes to all of them again: a contact
    point is one place, and its URLs are alternatives of one audience rarely worth telling apart."""
    bundle = apprise.Apprise()
    unusable = [url for url in urls if not bundle.add(url)]
    if unusable:
        return f"unusable contact point URL(s): {', '.join(_redacted(url) for url in unusable)}"
    with apprise.LogCapture(level=logging.WARNING) as captured:
        result = bundle.notify(body=message.body, title=message.title,
                               notify_type=_SEVERITY_TYPE.get(severity, apprise.NotifyType.INFO),
                               body_format=apprise.NotifyFormat.TEXT)
    if result:
        return None
    lines = [line.split(" - ", 2)[-1] for line in captured.getvalue().splitlines() if line.strip()]
    return "; ".join(lines) or "the contact point refused the message"


def _redacted(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://..." if rest else url
