"""A minimal grpc-web client (binary protobuf framing over HTTP/1.1), as a browser speaks it."""

from __future__ import annotations

import struct
import urllib.error
import urllib.request
from dataclasses import dataclass, field


@dataclass
class GrpcWebReply:
    http_status: int
    messages: list[bytes] = field(default_factory=list)
    trailers: dict[str, str] = field(default_factory=dict)

    @property
    def grpc_status(self) -> int:
        return int(self.trailers.get("grpc-status", "-1"))


def call(base_url: str, method: str, request: bytes, token: str = "", timeout: float = 10.0,
         max_messages: int | None = None) -> GrpcWebReply:
    """POST /package.Service/Method; returns the data frames and the trailer frame's headers."""
    body = b"\x00" + struct.pack(">I", len(request)) + request
    headers = {"content-type": "application/grpc-web+proto", "x-grpc-web": "1", "accept": "application/grpc-web+proto"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    req = urllib.request.Request(base_url + method, data=body, headers=headers, method="POST")
    try:
        response = urllib.request.urlopen(req, timeout=timeout)
    except urllib.error.HTTPError as exc:
        return GrpcWebReply(exc.code, trailers={k.lower(): v for k, v in exc.headers.items()})
    reply = GrpcWebReply(response.status)
    # Trailers-only responses carry grpc-status in the HTTP headers.
    for key in ("grpc-status", "grpc-message"):
        if response.headers.get(key) is not None:
            reply.trailers[key] = response.headers[key]
    while True:
        head = response.read(5)
        if len(head) < 5:
            break
        flag, length = head[0], struct.unpack(">I", head[1:])[0]
        payload = response.read(length)
        if flag & 0x80:
            for line in payload.decode().split("\r\n"):
                if ":" in line:
                    k, v = line.split(":", 1)
                    reply.trailers[k.strip().lower()] = v.strip()
            break
        reply.messages.append(payload)
        if max_messages is not None and len(reply.messages) >= max_messages:
            break
    response.close()
    return reply
