"""Renders envoy/envoy.tmpl.yaml into a runnable config, with the descriptor set it needs."""

from __future__ import annotations

import mimetypes
import os
import shutil
import subprocess
import sys
from pathlib import Path
from string import Template

from satmon_cli.envoy_lua import rest_checks_lua
from satmon_cli.stack.layout import HOST, port, replica_ports
from satmon_core.paths import repo_root

__all__ = ["render_envoy_config", "UPSTREAMS"]

# Envoy cluster name -> the stack component serving it.
UPSTREAMS = {"router": "router", "scheduler": "scheduler", "worker": "worker", "ops_api": "ops-api"}


def _cluster(name: str, host: str, upstream_ports: list[int]) -> str:
    """One cluster over every process of a service (locally one port each; under compose one DNS name
    that resolves to every replica). A process that stops answering is ejected for a while."""
    kind = "STATIC" if host.replace(".", "").isdigit() else "STRICT_DNS"
    endpoints = "".join(f"""
              - endpoint: {{ address: {{ socket_address: {{ address: {host}, port_value: {p} }} }} }}"""
                        for p in upstream_ports)
    return f"""    - name: {name}
      type: {kind}
      connect_timeout: 1s
      typed_extension_protocol_options:
        envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
          "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
          explicit_http_config: {{ http2_protocol_options: {{}} }}
      outlier_detection:
        split_external_local_origin_errors: true
        consecutive_local_origin_failure: 2
        max_ejection_percent: 50
      load_assignment:
        cluster_name: {name}
        endpoints:
          - lb_endpoints:{endpoints}
"""


def _static_routes(dist: Path) -> str:
    """One direct_response route per built dashboard file; '/' serves index.html, '/api/v1/docs' the
    REST reference page (web/scripts/api-docs.mjs puts it and the OpenAPI document into dist/)."""
    if not (dist / "index.html").exists():
        return ""
    routes = []
    for path in sorted(p for p in dist.rglob("*") if p.is_file()):
        url = "/" + path.relative_to(dist).as_posix()
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        aliases = {"/index.html": ["/"], "/api/v1/docs/index.html": ["/api/v1/docs", "/api/v1/docs/"]}
        matches = [f'{{ path: "{u}" }}' for u in [*aliases.get(url, []), url]]
        for match in matches:
            routes.append(f"""                        - match: {match}
                          direct_response: {{ status: 200, body: {{ filename: "{path}" }} }}
                          response_headers_to_add: [{{ header: {{ key: content-type, value: "{content_type}" }} }}]""")
    return "\n".join(routes)


# Replies Envoy makes itself (malformed JSON, a bad enum or query parameter, no such path, upstream
# down) get the JSON google.rpc.Status body that every upstream error already has: HTTP status ->
# (gRPC code, the message where Envoy's own body is empty, else None to keep Envoy's words).
LOCAL_REPLY_CODES = {
    400: (3, None), 401: (16, None), 403: (7, None),
    404: (5, "no such path; the REST reference is at /api/v1/openapi.json"), 405: (12, "method not allowed"),
    408: (4, None), 413: (8, None), 429: (8, None), 500: (13, None), 502: (14, None), 503: (14, None),
    504: (4, None),
}


def _local_reply_mappers() -> str:
    """One mapper per status; gRPC and grpc-web requests are left alone (their errors are trailers)."""
    mappers = []
    for status, (code, message) in LOCAL_REPLY_CODES.items():
        body = f'\n                      body: {{ inline_string: "{message}" }}' if message else ""
        mappers.append(f"""                    - filter:
                        and_filter:
                          filters:
                            - status_code_filter:
                                comparison: {{ op: EQ, value: {{ default_value: {status}, runtime_key: satmon.local_reply.{status} }} }}
                            - or_filter:
                                filters:
                                  - header_filter:
                                      header: {{ name: content-type, string_match: {{ prefix: application/grpc }},
                                                invert_match: true, treat_missing_header_as_empty: true }}
                                  - header_filter:
                                      header: {{ name: x-envoy-original-path, present_match: true }}
                      body_format_override:
                        content_type: application/json
                        json_format:
                          code: {code}
                          message: "%LOCAL_REPLY_BODY%"
                          details: []{body}""")
    return "\n".join(mappers)


def build_descriptor_set(out_file: Path) -> None:
    """The FileDescriptorSet the transcoder loads: proto/ plus googleapis, imports included."""
    buf = shutil.which("buf") or str(Path(sys.executable).parent / "buf")
    subprocess.run([buf, "build", "-o", str(out_file), "--as-file-descriptor-set"], cwd=repo_root(),
                   check=True, capture_output=True)


def _tls(cert: str | None, key: str | None) -> str:
    """The listener's transport socket: TLS when a certificate and key are given (the one setting:
    SATMON_ENVOY_TLS_CERT and SATMON_ENVOY_TLS_KEY), plaintext otherwise. ALPN offers h2 for gRPC."""
    if not cert or not key:
        return "name: plaintext"
    return f"""name: tls
          transport_socket:
            name: envoy.transport_sockets.tls
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
              common_tls_context:
                alpn_protocols: ["h2", "http/1.1"]
                tls_certificates:
                  - certificate_chain: {{ filename: "{cert}" }}
                    private_key: {{ filename: "{key}" }}"""


def render_envoy_config(out_dir: Path, bind: str = HOST, upstream_hosts: dict[str, str] | None = None,
                        dist: Path | None = None, envoy_port: int | None = None, admin_port: int | None = None,
                        admin_bind: str = HOST) -> Path:
    """Writes envoy.yaml and satmon.pb into out_dir. Locally every upstream is 127.0.0.1; compose
    passes service names (resolved by DNS) and the dashboard's path inside the image. The admin
    interface stays on loopback unless admin_bind says otherwise: it can stop Envoy."""
    out_dir.mkdir(parents=True, exist_ok=True)
    upstream_hosts = upstream_hosts or {}
    descriptor = out_dir / "satmon.pb"
    build_descriptor_set(descriptor)
    template = Template((repo_root() / "envoy" / "envoy.tmpl.yaml").read_text())
    rendered = template.substitute(
        ENVOY_BIND=bind,
        ENVOY_ADMIN_BIND=admin_bind,
        ENVOY_PORT=envoy_port or port("envoy"),
        ENVOY_ADMIN_PORT=admin_port or port("envoy-admin"),
        TLS_TRANSPORT_SOCKET=_tls(os.environ.get("SATMON_ENVOY_TLS_CERT"), os.environ.get("SATMON_ENVOY_TLS_KEY")),
        DESCRIPTOR_SET=descriptor,
        CLUSTERS="".join(_cluster(name, upstream_hosts[component], [port(component)]) if component in upstream_hosts
                         else _cluster(name, HOST, replica_ports(component))
                         for name, component in UPSTREAMS.items()),
        STATIC_ROUTES=_static_routes(dist or repo_root() / "web" / "dist"),
        LOCAL_REPLY_MAPPERS=_local_reply_mappers(),
        REST_CHECKS_LUA=rest_checks_lua(indent=26),
    )
    config = out_dir / "envoy.yaml"
    config.write_text(rendered)
    return config
