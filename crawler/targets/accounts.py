"""The ``accounts:`` section: new-media accounts (政务新媒体) and where their posts are read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from crawler.platforms.sources import source_url
from crawler.targets.base import TargetsError, _check_id, _check_url, _profile_ref, _Strict
from rules.facts import Account, Platform

# Where an account's posts are read: a fetched source, or only files `crawl import posts` reads.
SourceKindOrImport = Literal["feed", "rsshub", "weibo", "import"]

# Platform names as they appear in notices (附件2's 类型 column), with the label to show.
PLATFORM_ALIASES: dict[str, tuple[Platform, str | None]] = {
    **{p.value: (p, None) for p in Platform},
    "微博": (Platform.WEIBO, None),
    "微信": (Platform.WECHAT, None),
    "微信公众号": (Platform.WECHAT, None),
    "公众号": (Platform.WECHAT, None),
    "订阅号": (Platform.WECHAT, "订阅号"),
    "服务号": (Platform.WECHAT, "服务号"),
    "抖音": (Platform.DOUYIN, None),
    "今日头条": (Platform.TOUTIAO, None),
    "头条": (Platform.TOUTIAO, None),
    "头条号": (Platform.TOUTIAO, "头条号"),
    "快手": (Platform.KUAISHOU, None),
    "哔哩哔哩": (Platform.BILIBILI, None),
    "B站": (Platform.BILIBILI, None),
    "客户端": (Platform.APP, None),
    "其他": (Platform.OTHER, None),
}


class _SourceSpec(_Strict):
    feed: str | None = None
    rsshub: str | None = None
    weibo_uid: str | None = None
    imports: Literal[True] | None = None  # posts only from `crawl import posts` files

    _feed = field_validator("feed")(lambda v: None if v is None else _check_url(v))

    @field_validator("weibo_uid", mode="before")
    @classmethod
    def _uid(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @field_validator("rsshub")
    @classmethod
    def _route(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("/"):
            raise ValueError(f"{value!r} is not an RSSHub route — write it as /weibo/user/123")
        return value


class _AccountSpec(_Strict):
    id: str
    name: Annotated[str, Field(min_length=1)]
    platform: str
    unit: str | None = None
    source: _SourceSpec
    profile: str | None = None

    _id = field_validator("id")(_check_id)

    @field_validator("platform")
    @classmethod
    def _platform(cls, value: str) -> str:
        if value not in PLATFORM_ALIASES:
            choices = ", ".join(PLATFORM_ALIASES)
            raise ValueError(f"unknown platform {value!r} — use one of: {choices}")
        return value


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountTarget:
    """A new-media account to check: who it is, and where its posts are read."""

    account: Account
    label: str  # 类型 as the notices print it: 微博, 订阅号, 抖音 …
    source_kind: SourceKindOrImport
    source_url: str
    profile: str

    @property
    def imported(self) -> bool:
        """True when the account's posts come only from imported files (never fetched)."""
        return self.source_kind == "import"

    @property
    def id(self) -> str:
        return self.account.id


def _build_accounts(
    specs: Sequence[_AccountSpec],
    *,
    profile: str,
    rsshub: str | None,
    weibo_api: str,
    source: str,
    base_dir: Path | None,
) -> tuple[AccountTarget, ...]:
    """The accounts, their sources resolved against the file's ``rsshub`` and ``weibo_api``."""
    problems: list[str] = []
    seen: dict[str, int] = {}
    targets: list[AccountTarget] = []
    for i, acc in enumerate(specs):
        where = f"accounts[{i}]"
        if acc.id in seen:
            problems.append(
                f"{where}.id: duplicate account id {acc.id!r} (also accounts[{seen[acc.id]}])"
                " — give each account its own id"
            )
        seen.setdefault(acc.id, i)
        given = [(k, v) for k, v in acc.source.model_dump().items() if v is not None]
        if len(given) != 1:
            problems.append(
                f"{where}.source: give exactly one of feed: URL, rsshub: /route, weibo_uid: ID, "
                "imports: true"
            )
            continue
        key, value = given[0]
        if key == "imports":
            platform, label = PLATFORM_ALIASES[acc.platform]
            targets.append(
                AccountTarget(
                    account=Account(id=acc.id, name=acc.name, platform=platform, unit=acc.unit),
                    label=label or platform.label,
                    source_kind="import",
                    source_url=f"import:{acc.id}",
                    profile=_profile_ref(acc.profile or profile, base_dir),
                )
            )
            continue
        kind: Literal["feed", "rsshub", "weibo"] = (
            "feed" if key == "feed" else "rsshub" if key == "rsshub" else "weibo"
        )
        if kind == "rsshub" and rsshub is None:
            problems.append(
                f"{where}.source.rsshub: no RSSHub base URL — add `rsshub: http://host:1200` "
                "at the top of the file"
            )
            continue
        platform, label = PLATFORM_ALIASES[acc.platform]
        targets.append(
            AccountTarget(
                account=Account(id=acc.id, name=acc.name, platform=platform, unit=acc.unit),
                label=label or platform.label,
                source_kind=kind,
                source_url=source_url(kind, str(value), rsshub_base=rsshub, weibo_api=weibo_api),
                profile=_profile_ref(acc.profile or profile, base_dir),
            )
        )
    if problems:
        raise TargetsError(source, problems)
    return tuple(targets)
