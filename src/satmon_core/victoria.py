"""VictoriaMetrics over HTTP: Prometheus text and JSON-line imports for writes, PromQL for reads. Every call has a deadline."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

from satmon_core.errors import RejectedError, TransientError

__all__ = ["VictoriaMetrics", "QUERY_DEADLINE_S", "DURABLE_AFTER_S"]

# The reason callers see (ErrorInfo) while VictoriaMetrics cannot be reached.
UNAVAILABLE = "METRICS_STORE_UNAVAILABLE"

QUERY_DEADLINE_S = 5.0
WRITE_DEADLINE_S = 15.0
IMPORT_BODY_BYTES = 8 << 20
# VictoriaMetrics acknowledges an import before the samples are on disk: it keeps them in memory and
# flushes every -inmemoryDataFlushInterval (5 s by default; about a second in older releases such
# as Debian's), and a SIGKILL, an OOM kill or a power cut loses what was not flushed. A write is
# taken as durable this long after it was acknowledged, if the server did not restart meanwhile.
DURABLE_AFTER_S = 6.0


class VictoriaMetrics:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")

    def import_lines(self, lines: list[str]) -> None:
        """Writes Prometheus exposition lines with millisecond timestamps.

        RejectedError when VictoriaMetrics refuses the lines themselves (HTTP 4xx): the same
        lines would be refused again. TransientError for everything retrying may fix (5xx,
        connection refused, deadline).
        """
        self._import("/api/v1/import/prometheus", lines)

    def import_series(self, lines: list[str]) -> None:
        """Writes VictoriaMetrics' JSON lines (`/api/v1/import`): one series per line with several
        samples. It takes a series' labels once for all its samples, which costs VictoriaMetrics 40-56 %
        less CPU per sample than a Prometheus line each (5-10 samples a series; BENCHMARKS.md).
        Errors as import_lines."""
        self._import("/api/v1/import", lines)

    def _import(self, path: str, lines: list[str]) -> None:
        """POSTs the lines in bodies of at most IMPORT_BODY_BYTES (VictoriaMetrics refuses requests over
        its -maxInsertRequestSize, 32 MB by default; five seconds of 1,000 satellites is about 40 MB)."""
        body, size = [], 0
        for line in lines:
            if size + len(line) > IMPORT_BODY_BYTES and body:
                self._post(path, body)
                body, size = [], 0
            body.append(line)
            size += len(line) + 1
        if body:
            self._post(path, body)

    def _post(self, path: str, lines: list[str]) -> None:
        body = ("\n".join(lines) + "\n").encode()
        request = urllib.request.Request(f"{self.base_url}{path}", data=body, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=WRITE_DEADLINE_S) as response:
                if response.status not in (200, 204):
                    raise TransientError(f"VictoriaMetrics import returned {response.status}", reason=UNAVAILABLE)
        except urllib.error.HTTPError as exc:  # an HTTPError is a URLError: decide before the catch-all
            if 400 <= exc.code < 500:
                raise RejectedError(f"VictoriaMetrics refused the import ({exc.code}): "
                                    f"{exc.read()[:300].decode(errors='replace')}") from exc
            raise TransientError(f"VictoriaMetrics import returned {exc.code}", reason=UNAVAILABLE) from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            raise TransientError(f"VictoriaMetrics import failed: {exc}", reason=UNAVAILABLE) from exc

    def start_timestamp(self) -> float | None:
        """The server process's start time (`vm_app_start_timestamp`), None if it cannot be asked.
        A new value means it restarted: writes it acknowledged shortly before may be gone."""
        try:
            with urllib.request.urlopen(f"{self.base_url}/metrics", timeout=2) as response:
                text = response.read().decode()
        except (urllib.error.URLError, TimeoutError, ConnectionError):
            return None
        for line in text.splitlines():
            if line.startswith("vm_app_start_timestamp "):
                return float(line.split()[1])
        return None

    def make_searchable(self, timeout: float = 30.0) -> None:
        """Makes everything imported so far visible to queries now (VictoriaMetrics otherwise does
        within about a second): a bulk import followed at once by reading it back needs this."""
        try:
            with urllib.request.urlopen(f"{self.base_url}/internal/force_flush", timeout=timeout) as response:
                response.read()
        except (urllib.error.URLError, OSError) as exc:
            raise TransientError(f"VictoriaMetrics did not flush: {exc}", reason=UNAVAILABLE) from exc

    def _get(self, path: str, params: dict[str, str], timeout: float) -> dict:
        url = f"{self.base_url}{path}?{urllib.parse.urlencode(params)}"
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            raise ValueError(f"VictoriaMetrics rejected the query: {exc.read()[:300]!r}") from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            raise TransientError(f"VictoriaMetrics query failed: {exc}", reason=UNAVAILABLE) from exc

    def query_range(self, query: str, start_s: float, end_s: float, step_s: float,
                    timeout: float = QUERY_DEADLINE_S) -> list[dict]:
        data = self._get("/api/v1/query_range", {"query": query, "start": f"{start_s:.3f}", "end": f"{end_s:.3f}",
                                                 "step": f"{step_s:g}s", "timeout": f"{timeout:g}s"}, timeout + 1)
        return data["data"]["result"]

    def query(self, query: str, time_s: float | None = None, timeout: float = QUERY_DEADLINE_S) -> list[dict]:
        params = {"query": query, "timeout": f"{timeout:g}s"}
        if time_s is not None:
            params["time"] = f"{time_s:.3f}"
        return self._get("/api/v1/query", params, timeout + 1)["data"]["result"]

    def export(self, match: str, start_s: float, end_s: float, timeout: float = QUERY_DEADLINE_S) -> list[dict]:
        """Raw samples (no step alignment): one JSON object per series."""
        url = f"{self.base_url}/api/v1/export?" + urllib.parse.urlencode(
            {"match[]": match, "start": f"{start_s:.3f}", "end": f"{end_s:.3f}"})
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                return [json.loads(line) for line in response.read().splitlines() if line.strip()]
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            raise TransientError(f"VictoriaMetrics export failed: {exc}", reason=UNAVAILABLE) from exc

    def label_values(self, label: str, match: str | None = None, timeout: float = QUERY_DEADLINE_S) -> list[str]:
        params = {"match[]": match} if match else {}
        return self._get(f"/api/v1/label/{label}/values", params, timeout)["data"]
