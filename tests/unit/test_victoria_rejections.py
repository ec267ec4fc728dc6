"""An HTTP 4xx from VictoriaMetrics is poison (dead-lettered, message by message), a 5xx or a refused
connection is transient (retried). Served by a local HTTP server that answers as VictoriaMetrics does."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from satmon_core.errors import RejectedError, TransientError
from satmon_core.victoria import VictoriaMetrics
from satmon_writer.entrypoints.kafka_loops import import_isolating_rejects


class _Importer(BaseHTTPRequestHandler):
    stored: list[bytes] = []
    status_for_all: int | None = None

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        status = self.status_for_all or (400 if b"poison" in body else 204)
        if status == 204:
            self.stored.append(body)
        self.send_response(status)
        self.end_headers()
        if status != 204:
            self.wfile.write(b"cannot parse line")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server():
    _Importer.stored, _Importer.status_for_all = [], None
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Importer)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd
    httpd.shutdown()


def _flat(items: list[list[str]]) -> list[str]:
    return [line for lines in items for line in lines]


def _vm(server) -> VictoriaMetrics:
    return VictoriaMetrics(f"http://127.0.0.1:{server.server_address[1]}")


def test_a_4xx_is_rejected_and_only_the_refused_message_is_dead_lettered(server):
    batch = [("m1", ['a{s="1"} 1 1000']), ("m2", ["poison line"]), ("m3", ['a{s="3"} 3 1000'])]
    rejects = import_isolating_rejects(_vm(server).import_lines, batch, _flat)
    assert [(r.message, r.reason) for r in rejects] == [("m2", "victoria_metrics_rejected")]
    assert "400" in rejects[0].detail and "cannot parse line" in rejects[0].detail
    assert b'a{s="1"} 1 1000\n' in _Importer.stored and b'a{s="3"} 3 1000\n' in _Importer.stored


def test_a_5xx_is_transient_not_poison(server):
    _Importer.status_for_all = 503
    with pytest.raises(TransientError):
        _vm(server).import_lines(["a 1"])
    with pytest.raises(TransientError):
        import_isolating_rejects(_vm(server).import_lines, [("m1", ["a 1"])], _flat)


def test_a_batch_is_written_as_one_set_of_lines_and_refused_ones_message_by_message(server):
    """The lines of a batch are made from all its items at once (one JSON line per series across many
    messages); after a refusal, each message's own lines are tried alone."""
    made = []

    def lines(items: list[str]) -> list[str]:
        made.append(list(items))
        return ["+".join(items)]

    rejects = import_isolating_rejects(_vm(server).import_series, [("m1", "a"), ("m2", "poison"), ("m3", "c")], lines)
    assert made == [["a", "poison", "c"], ["a"], ["poison"], ["c"]]
    assert [r.message for r in rejects] == ["m2"] and _Importer.stored == [b"a\n", b"c\n"]


def test_a_large_import_is_sent_in_bodies_under_the_size_limit(server, monkeypatch):
    monkeypatch.setattr("satmon_core.victoria.IMPORT_BODY_BYTES", 20)
    _vm(server).import_series(["x" * 8, "y" * 8, "z" * 8])
    assert _Importer.stored == [b"xxxxxxxx\nyyyyyyyy\n", b"zzzzzzzz\n"]


def test_a_4xx_raises_rejected(server):
    with pytest.raises(RejectedError):
        _vm(server).import_lines(["poison"])


def test_a_refused_connection_is_transient():
    with pytest.raises(TransientError):
        VictoriaMetrics("http://127.0.0.1:9").import_lines(["a 1"])
