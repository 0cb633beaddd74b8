"""Loopback stand-ins for the notification platforms, checking what each real one checks:

- ``/wecom?key=K``: 企业微信 group robot — a markdown body of at most 4096 bytes;
- ``/dingtalk?access_token=T&timestamp=..&sign=..``: 钉钉 robot with 加签, the signature
  checked against ``SECRET`` and the timestamp within an hour, as DingTalk does;
- ``/feishu/hook/T``: 飞书 bot with signing, ``timestamp`` and ``sign`` in the body;
- ``/webhook``: a JSON receiver checking ``X-Xunjian-Signature`` when signed.

``fail_next`` makes the next N requests of a path answer 503 (then they succeed);
``rate_limit_next`` answers a platform's "too many messages" code instead, ``reject_next``
a 400.
``serve_smtp()`` runs aiosmtpd on loopback and collects the mails.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

from aiohttp import web

from tests.support.serving import serve_app

SECRET = "SECtest0123456789"
_RATE_CODES = {
    "/wecom": ("errcode", 45009),
    "/dingtalk": ("errcode", 130101),
    "/feishu": ("code", 9499),
}


@dataclass
class Receivers:
    base: str = ""
    received: defaultdict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    refused: list[str] = field(default_factory=list)  # why a request was refused
    fail_next: dict[str, int] = field(default_factory=dict)
    rate_limit_next: dict[str, int] = field(default_factory=dict)
    reject_next: dict[str, int] = field(default_factory=dict)  # 400: not worth a retry
    attempts: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))

    def url(self, path: str) -> str:
        return self.base + path


def _dingtalk_ok(timestamp: str, sign: str) -> bool:
    text = f"{timestamp}\n{SECRET}".encode()
    expected = base64.b64encode(hmac.new(SECRET.encode(), text, hashlib.sha256).digest()).decode()
    fresh = abs(time.time() * 1000 - int(timestamp)) < 3_600_000
    return fresh and hmac.compare_digest(expected, sign)


def _feishu_ok(timestamp: str, sign: str) -> bool:
    key = f"{timestamp}\n{SECRET}".encode()
    expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    return abs(time.time() - int(timestamp)) < 3600 and hmac.compare_digest(expected, sign)


@asynccontextmanager
async def serve_receivers() -> AsyncIterator[Receivers]:
    state = Receivers()

    async def handle(request: web.Request) -> web.StreamResponse:
        root = "/" + request.path.strip("/").split("/")[0]
        state.attempts[root] += 1
        if state.fail_next.get(root, 0) > 0:
            state.fail_next[root] -= 1
            return web.Response(status=503, text="busy")
        if state.reject_next.get(root, 0) > 0:
            state.reject_next[root] -= 1
            return web.Response(status=400, text="bad request")
        if state.rate_limit_next.get(root, 0) > 0:
            state.rate_limit_next[root] -= 1
            name, code = _RATE_CODES[root]
            return web.json_response({name: code, "msg": "too many messages"})
        raw = await request.read()
        body = json.loads(raw)
        if root == "/wecom":
            content = body["markdown"]["content"]
            if body.get("msgtype") != "markdown" or len(content.encode()) > 4096:
                state.refused.append("wecom: not markdown or over 4096 bytes")
                return web.json_response({"errcode": 40058, "errmsg": "invalid content"})
        elif root == "/dingtalk":
            query = request.query
            if not _dingtalk_ok(query.get("timestamp", "0"), query.get("sign", "")):
                state.refused.append("dingtalk: sign not match")
                return web.json_response({"errcode": 310000, "errmsg": "sign not match"})
        elif root == "/feishu":
            if not _feishu_ok(str(body.get("timestamp", "0")), str(body.get("sign", ""))):
                state.refused.append("feishu: sign match fail")
                return web.json_response({"code": 19021, "msg": "sign match fail"})
        elif root == "/webhook":
            signature = request.headers.get("X-Xunjian-Signature")
            if signature is not None:
                digest = hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
                if signature != f"sha256={digest}":
                    state.refused.append("webhook: bad signature")
                    return web.Response(status=401)
            state.received[root].append(body)
            return web.Response(status=204)
        state.received[root].append(body)
        return web.json_response(
            {"errcode": 0, "errmsg": "ok"} if root != "/feishu" else {"code": 0}
        )

    app = web.Application()
    app.router.add_post("/{tail:.*}", handle)
    async with serve_app(app) as base:
        state.base = base
        yield state


@dataclass
class Mailbox:
    port: int = 0
    mails: list[Message] = field(default_factory=list)


@contextmanager
def serve_smtp() -> Iterator[Mailbox]:
    """An SMTP server on 127.0.0.1 (no TLS, no login) collecting what it is sent."""
    from aiosmtpd.controller import Controller

    box = Mailbox()

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            box.mails.append(message_from_bytes(envelope.content))
            return "250 OK"

    with socket.socket() as probe:  # a free port: the controller checks it by connecting
        probe.bind(("127.0.0.1", 0))
        box.port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()
