"""TLS on the Envoy listener is one setting away: a self-signed certificate, REST and gRPC over it."""

from __future__ import annotations

import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import grpc
import pytest

from satmon.ops.v1 import ops_service_pb2, ops_service_pb2_grpc
from satmon_cli.envoy_config import render_envoy_config

pytestmark = pytest.mark.stack


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def tls_envoy(stack, tmp_path, monkeypatch):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    monkeypatch.setenv("SATMON_ENVOY_TLS_CERT", str(cert))
    monkeypatch.setenv("SATMON_ENVOY_TLS_KEY", str(key))
    listen, admin = _free_port(), _free_port()
    config = render_envoy_config(tmp_path / "envoy", envoy_port=listen, admin_port=admin)
    envoy = str(Path(sys.executable).parent / "envoy")
    proc = subprocess.Popen([envoy, "-c", str(config), "--base-id", str(listen), "--log-level", "error"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{admin}/ready", timeout=1) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.2)
    yield listen, cert
    proc.terminate()
    proc.wait(10)


def test_rest_and_grpc_over_tls_with_a_self_signed_certificate(tls_envoy, tokens):
    listen, cert = tls_envoy
    context = ssl.create_default_context(cafile=str(cert))
    with urllib.request.urlopen(f"https://127.0.0.1:{listen}/health", context=context, timeout=10) as r:
        assert r.status == 200
    request = urllib.request.Request(f"https://127.0.0.1:{listen}/api/v1/query/stats",
                                     headers={"authorization": f"Bearer {tokens['viewer']}"})
    with urllib.request.urlopen(request, context=context, timeout=10) as r:
        assert r.status == 200 and b"totalJobs" in r.read()
    credentials = grpc.ssl_channel_credentials(root_certificates=cert.read_bytes())
    with grpc.secure_channel(f"127.0.0.1:{listen}", credentials) as channel:
        stats = ops_service_pb2_grpc.OpsServiceStub(channel).GetJobStats(
            ops_service_pb2.GetJobStatsRequest(), metadata=[("authorization", f"Bearer {tokens['viewer']}")], timeout=10)
    assert stats.total_jobs >= 0
    with pytest.raises(OSError):  # plaintext is no longer served on that listener
        urllib.request.urlopen(f"http://127.0.0.1:{listen}/health", timeout=5).read()
