"""Real contact points for the notification tests: an SMTP server (aiosmtpd) and an HTTP webhook
receiver, both on 127.0.0.1, each keeping what it received. The webhook can be taken away and
brought back on the same port, as an outage of the receiving end."""

from __future__ import annotations

import email
import json
import re
import socket
import threading
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

__all__ = ["SmtpInbox", "WebhookInbox", "alert_events", "free_port"]

_EVENT = re.compile(r"alert #(\d+) (raised|escalated)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def alert_events(text: str) -> list[tuple[int, str]]:
    """The (alert id, raised|escalated) a notification's text lists."""
    return [(int(alert_id), reason) for alert_id, reason in _EVENT.findall(text)]


class SmtpInbox:
    """A local SMTP server; `messages` holds (subject, plain-text body) of every mail, decoded."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[tuple[str, str]] = []
        inbox = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
                parsed = email.message_from_bytes(envelope.content, policy=policy.default)
                inbox.messages.append((str(parsed["subject"]), parsed.get_body(("plain",)).get_content()))
                return "250 OK"

        self._controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"mailto://127.0.0.1:{self.port}?from=satmon@example.org&to=flight-ops@example.org"

    def start(self) -> "SmtpInbox":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()


class WebhookInbox:
    """Receives Apprise's JSON webhook posts (title, message, type); `posts` keeps their bodies."""

    def __init__(self) -> None:
        self.port = free_port()
        self.posts: list[dict] = []
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.port}/satmon-alerts"

    def start(self) -> "WebhookInbox":
        inbox = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's hook name
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                inbox.posts.append(json.loads(body))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *_args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, name="webhook-inbox", daemon=True).start()
        return self

    def stop(self) -> None:
        """The receiver goes away: connections to its port are refused until `start` again."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
