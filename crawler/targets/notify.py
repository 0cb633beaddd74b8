"""The ``notify:`` section of the targets file: where news of findings is sent.

Secrets never sit in the file: it names the environment variables that hold them (a robot's
webhook URL carries its access token, so it is a secret too)::

    notify:
      base_url: https://xunjian.example.gov.cn     # the dashboard, for links in messages
      channels:
        - name: office                 # an id: lowercase letters, digits, '-'
          kind: wecom                  # wecom | dingtalk | feishu | email | webhook
          url_env: XUNJIAN_WECOM_URL   # the robot's webhook URL, from the environment
          units: [应急管理局]           # only findings of these units (default: all)
          severities: [problem]        # problem | unknown | advisory (default: problem)
          digest: weekly               # none | daily | weekly (default: none)
        - name: leaders
          kind: dingtalk
          url_env: XUNJIAN_DINGTALK_URL
          secret_env: XUNJIAN_DINGTALK_SECRET   # the robot's signing secret (加签)
        - name: mail
          kind: email
          smtp: {host: smtp.example.cn, port: 465, security: ssl,
                 user_env: XUNJIAN_SMTP_USER, password_env: XUNJIAN_SMTP_PASSWORD}
          from: xunjian@example.cn
          to: [office@example.cn]
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import Field, field_validator

from crawler.targets.base import _check_id, _check_url, _Strict

__all__ = ["Channel", "ChannelKind", "NotifySettings", "SmtpSettings", "build_notify_settings"]

ChannelKind = Literal["wecom", "dingtalk", "feishu", "email", "webhook"]
Severity = Literal["problem", "unknown", "advisory"]
Digest = Literal["none", "daily", "weekly"]
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True, slots=True, kw_only=True)
class SmtpSettings:
    host: str
    port: int
    security: Literal["ssl", "starttls", "none"]
    user_env: str | None
    password_env: str | None
    sender: str
    recipients: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Channel:
    """One place news is sent."""

    name: str
    kind: ChannelKind
    url: str | None = None  # a webhook's URL given in the file (not secret)
    url_env: str | None = None  # the variable holding the URL (a robot's carries its token)
    secret_env: str | None = None  # the signing secret's variable (dingtalk, feishu, webhook)
    units: tuple[str, ...] = ()  # only findings of these units; empty: all
    severities: tuple[str, ...] = ("problem",)
    digest: Digest = "none"
    smtp: SmtpSettings | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NotifySettings:
    base_url: str | None = None
    channels: tuple[Channel, ...] = ()

    def channel(self, name: str) -> Channel:
        for channel in self.channels:
            if channel.name == name:
                return channel
        names = ", ".join(c.name for c in self.channels) or "none"
        raise KeyError(f"no channel {name!r} in the targets file's notify: section ({names})")


def _env_name(value: str | None) -> str | None:
    if value is not None and not _ENV_NAME.match(value):
        raise ValueError(
            f"{value!r} is not an environment variable name — give the variable's name "
            "(e.g. XUNJIAN_WECOM_URL), never the secret itself"
        )
    return value


class _SmtpSpec(_Strict):
    host: str = Field(min_length=1)
    port: int = Field(default=465, ge=1, le=65535)
    security: Literal["ssl", "starttls", "none"] = "ssl"
    user_env: str | None = None
    password_env: str | None = None

    _user = field_validator("user_env")(_env_name)
    _password = field_validator("password_env")(_env_name)


def _problems_only() -> list[Severity]:
    return ["problem"]


class _ChannelSpec(_Strict):
    name: str
    kind: ChannelKind
    url: str | None = None
    url_env: str | None = None
    secret_env: str | None = None
    units: list[str] = Field(default_factory=list)
    severities: list[Severity] = Field(default_factory=_problems_only, min_length=1)
    digest: Digest = "none"
    smtp: _SmtpSpec | None = None
    sender: str | None = Field(default=None, alias="from")
    to: list[str] = Field(default_factory=list)

    _name = field_validator("name")(_check_id)
    _url = field_validator("url")(lambda v: None if v is None else _check_url(v))
    _url_env = field_validator("url_env")(_env_name)
    _secret_env = field_validator("secret_env")(_env_name)


class _NotifySpec(_Strict):
    base_url: str | None = None
    channels: list[_ChannelSpec] = Field(default_factory=list)

    _base = field_validator("base_url")(lambda v: None if v is None else _check_url(v))


def build_notify_settings(
    spec: _NotifySpec | None, units: Collection[str]
) -> tuple[NotifySettings, list[str]]:
    """The settings, and the problems found (each naming its path) — empty when none."""
    if spec is None:
        return NotifySettings(), []
    problems: list[str] = []
    channels: list[Channel] = []
    seen: set[str] = set()
    for i, c in enumerate(spec.channels):
        where = f"notify.channels[{i}]"
        if c.name in seen:
            problems.append(f"{where}.name: duplicate channel name {c.name!r}")
        seen.add(c.name)
        problems += _kind_problems(c, where)
        for unit in c.units:
            if unit not in units:
                problems.append(
                    f"{where}.units: {unit!r} is the unit of no site or account in this file"
                )
        smtp = None
        if c.kind == "email" and c.smtp is not None and c.sender:
            smtp = SmtpSettings(
                host=c.smtp.host,
                port=c.smtp.port,
                security=c.smtp.security,
                user_env=c.smtp.user_env,
                password_env=c.smtp.password_env,
                sender=c.sender,
                recipients=tuple(c.to),
            )
        channels.append(
            Channel(
                name=c.name,
                kind=c.kind,
                url=c.url,
                url_env=c.url_env,
                secret_env=c.secret_env,
                units=tuple(c.units),
                severities=tuple(c.severities),
                digest=c.digest,
                smtp=smtp,
            )
        )
    return NotifySettings(base_url=spec.base_url, channels=tuple(channels)), problems


def _kind_problems(c: _ChannelSpec, where: str) -> Sequence[str]:
    if c.kind == "email":
        found = []
        if c.smtp is None:
            found.append(f"{where}.smtp: an email channel needs smtp: {{host: …, port: …}}")
        if not c.sender or not c.to:
            found.append(f"{where}: an email channel needs from: ADDRESS and to: [ADDRESS, …]")
        if c.url or c.url_env:
            found.append(f"{where}: an email channel has no url — remove url/url_env")
        return found
    if c.smtp is not None or c.sender or c.to:
        return [f"{where}: smtp, from and to are for kind: email only"]
    if c.kind == "webhook":
        if (c.url is None) == (c.url_env is None):
            return [f"{where}: give one of url: URL or url_env: VARIABLE"]
        return []
    if c.url is not None:
        return [
            f"{where}.url: a {c.kind} robot's URL carries its access token — put it in an "
            "environment variable and name it with url_env:"
        ]
    if c.url_env is None:
        return [f"{where}: a {c.kind} channel needs url_env: the variable holding its webhook URL"]
    if c.kind == "wecom" and c.secret_env is not None:
        return [f"{where}.secret_env: WeCom group robots do not sign — remove secret_env"]
    return []
