"""Delivering one message to one channel, in each platform's own format.

- ``wecom`` (企业微信 group robot): ``{"msgtype": "markdown", …}``, at most 4096 bytes;
  answers ``{"errcode": 0}``; 20 messages a minute.
- ``dingtalk`` (钉钉 custom robot): markdown; with a signing secret (加签) the URL gets
  ``timestamp`` (ms) and ``sign`` = base64(HMAC-SHA256(secret, "timestamp\\nsecret"));
  answers ``{"errcode": 0}``; 20 messages a minute.
- ``feishu`` (飞书 custom bot): an interactive card with a markdown element; with a secret the
  body carries ``timestamp`` (s) and ``sign`` = base64(HMAC-SHA256(key="timestamp\\nsecret",
  message="")); answers ``{"code": 0}``.
- ``email``: SMTP (SSL, STARTTLS or plain on a trusted network), a plain-text UTF-8 message.
- ``webhook``: the message's JSON payload, POSTed; with a secret, the header
  ``X-Xunjian-Signature: sha256=<hex HMAC of the body>``.

``deliver`` raises ``SendError`` saying what went wrong and whether trying again may help
(a timeout, a 5xx, a platform's rate limit) or not (a wrong key, a bad address).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import smtplib
import ssl
import time
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import quote_plus

import httpx

from crawler.notify.messages import Outgoing
from crawler.targets.notify import Channel

__all__ = ["MIN_INTERVAL_S", "SendError", "deliver"]

# Time between two messages to one channel: within each platform's rate limit.
MIN_INTERVAL_S = {"wecom": 3.1, "dingtalk": 3.1, "feishu": 0.3, "email": 1.0, "webhook": 0.0}
WECOM_MAX_BYTES = 4096
# Platform answers that mean "too many messages now": worth trying again later.
_RATE_LIMITED = {"wecom": {45009}, "dingtalk": {130101, 660026}, "feishu": {9499, 11232}}
_SMTP_TIMEOUT_S = 30


class SendError(Exception):
    """A message that did not arrive; ``transient``: trying again later may help."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


async def deliver(
    channel: Channel, message: Outgoing, *, client: httpx.AsyncClient, env: Mapping[str, str]
) -> None:
    """Send ``message`` to ``channel`` once; SendError when it did not arrive."""
    if channel.kind == "email":
        await asyncio.to_thread(_send_mail, channel, message, env)
        return
    url = channel.url or _env(env, channel.url_env, channel, "url_env")
    secret = _env(env, channel.secret_env, channel, "secret_env") if channel.secret_env else None
    headers = {"Content-Type": "application/json; charset=utf-8"}
    body: dict[str, object]
    if channel.kind == "wecom":
        body = {"msgtype": "markdown", "markdown": {"content": _cut(message.markdown)}}
    elif channel.kind == "dingtalk":
        body = {
            "msgtype": "markdown",
            "markdown": {"title": message.title, "text": message.markdown},
        }
        if secret is not None:
            url = _dingtalk_signed(url, secret, int(time.time() * 1000))
    elif channel.kind == "feishu":
        body = _feishu_card(message)
        if secret is not None:
            stamp = str(int(time.time()))
            body = {"timestamp": stamp, "sign": feishu_sign(secret, stamp), **body}
    else:  # webhook
        body = dict(message.payload)
    data = json.dumps(body, ensure_ascii=False).encode()
    if channel.kind == "webhook" and secret is not None:
        digest = hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()
        headers["X-Xunjian-Signature"] = f"sha256={digest}"
    try:
        response = await client.post(url, content=data, headers=headers)
    except httpx.HTTPError as exc:
        raise SendError(f"{exc.__class__.__name__}: {exc or 'no answer'}", transient=True) from exc
    if response.status_code >= 500 or response.status_code == 429:
        raise SendError(f"HTTP {response.status_code}", transient=True)
    if response.status_code >= 300:
        raise SendError(f"HTTP {response.status_code}: {response.text[:200]}", transient=False)
    if channel.kind != "webhook":
        _check_answer(channel, response)


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    text = f"{timestamp_ms}\n{secret}".encode()
    return base64.b64encode(hmac.new(secret.encode(), text, hashlib.sha256).digest()).decode()


def feishu_sign(secret: str, timestamp_s: str) -> str:
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def _dingtalk_signed(url: str, secret: str, timestamp_ms: int) -> str:
    sign = quote_plus(dingtalk_sign(secret, timestamp_ms))
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}timestamp={timestamp_ms}&sign={sign}"


def _feishu_card(message: Outgoing) -> dict[str, object]:
    return {
        "msg_type": "interactive",
        "card": {
            "config": {"wide_screen_mode": True},
            "header": {"title": {"tag": "plain_text", "content": message.title}},
            "elements": [{"tag": "markdown", "content": message.markdown}],
        },
    }


def _cut(markdown: str) -> str:
    """WeCom takes at most 4096 bytes of markdown: cut on a line, saying so."""
    if len(markdown.encode()) <= WECOM_MAX_BYTES:
        return markdown
    note = "\n……（内容过长，其余请看巡检看板）"
    room = WECOM_MAX_BYTES - len(note.encode())
    kept: list[str] = []
    used = 0
    for line in markdown.split("\n"):
        size = len(line.encode()) + 1
        if used + size > room:
            break
        kept.append(line)
        used += size
    return "\n".join(kept) + note


def _check_answer(channel: Channel, response: httpx.Response) -> None:
    try:
        answer = response.json()
    except ValueError:
        raise SendError(f"not a JSON answer: {response.text[:200]!r}", transient=True) from None
    code = answer.get("errcode", answer.get("code", answer.get("StatusCode", 0)))
    if code in (0, None):
        return
    said = answer.get("errmsg") or answer.get("msg") or answer.get("StatusMessage") or ""
    transient = code in _RATE_LIMITED.get(channel.kind, set())
    raise SendError(f"the platform answered {code}: {said}", transient=transient)


def _env(env: Mapping[str, str], name: str | None, channel: Channel, key: str) -> str:
    value = env.get(name or "", "").strip()
    if not name or not value:
        raise SendError(
            f"channel {channel.name}: the environment variable {name} ({key}) is not set — "
            "set it where crawl runs",
            transient=False,
        )
    return value


def _send_mail(channel: Channel, message: Outgoing, env: Mapping[str, str]) -> None:
    smtp = channel.smtp
    assert smtp is not None
    mail = EmailMessage()
    mail["Subject"] = message.title
    mail["From"] = smtp.sender
    mail["To"] = ", ".join(smtp.recipients)
    mail["Date"] = formatdate(localtime=True)
    mail["Message-ID"] = make_msgid(domain="xunjian")
    mail.set_content(message.text, charset="utf-8")
    user = _env(env, smtp.user_env, channel, "user_env") if smtp.user_env else None
    password = _env(env, smtp.password_env, channel, "password_env") if smtp.password_env else None
    try:
        if smtp.security == "ssl":
            context = ssl.create_default_context()
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                smtp.host, smtp.port, timeout=_SMTP_TIMEOUT_S, context=context
            )
        else:
            server = smtplib.SMTP(smtp.host, smtp.port, timeout=_SMTP_TIMEOUT_S)
        with server:
            if smtp.security == "starttls":
                server.starttls(context=ssl.create_default_context())
            if user is not None and password is not None:
                server.login(user, password)
            server.send_message(mail)
    except smtplib.SMTPAuthenticationError as exc:
        raise SendError(f"SMTP login refused: {exc.smtp_code}", transient=False) from exc
    except smtplib.SMTPRecipientsRefused as exc:
        raise SendError(
            f"SMTP refused the recipients: {list(exc.recipients)}", transient=False
        ) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise SendError(f"SMTP {exc.__class__.__name__}: {exc}", transient=True) from exc
