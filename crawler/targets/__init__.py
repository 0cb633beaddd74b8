"""The targets file: which sites and columns to inspect.

Parsed with pydantic at the edge and turned into the frozen ``rules.model`` values. Every
problem is a ``TargetsError`` that names the file, the path inside it
(``sites[3].columns[2].url``) and what to do.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Protocol, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from crawler.platforms.sources import source_url
from rules.disclosure import DisclosureColumn, DisclosureUnit, Level
from rules.facts import Account, Platform
from rules.model import Category, Column, Site
from rules.profile import Profile, ProfileError
from rules.profile_files import load_profile

__all__ = [
    "DEFAULT_PROFILE",
    "AccountTarget",
    "Targets",
    "TargetsError",
    "load_targets",
    "parse_targets",
]

# libyaml's loader where PyYAML was built with it: ~10x faster on a large targets file.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

DEFAULT_PROFILE = "national-2019"

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

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")

# Category names as they appear in notices, mapped to the national freshness classes.
CATEGORY_ALIASES: dict[str, Category] = {
    "news": Category.NEWS,
    "动态": Category.NEWS,
    "要闻": Category.NEWS,
    "动态要闻": Category.NEWS,
    "notice": Category.NOTICE,
    "通知公告": Category.NOTICE,
    "政策文件": Category.NOTICE,
    "plan": Category.PLAN,
    "人事": Category.PLAN,
    "规划计划": Category.PLAN,
    "update": Category.UPDATE,
    "应更新": Category.UPDATE,
    "static": Category.STATIC,
    "静态": Category.STATIC,
}


class TargetsError(Exception):
    """The targets file is missing, unreadable or invalid; the message says where and what to do."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__("\n".join(f"{path}: {p}" for p in problems))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _check_url(value: str) -> str:
    if not re.match(r"^https?://[^\s/?#]+", value):
        raise ValueError(f"{value!r} is not a URL — use http:// or https:// followed by a host")
    return value


def _check_id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError(
            f"{value!r} is not a valid id — use lowercase letters, digits and '-' "
            "(at most 64 characters, starting with a letter or digit)"
        )
    return value


def _check_optional_id(value: str | None) -> str | None:
    return None if value is None else _check_id(value)


def _check_category(value: str | None) -> str | None:
    if value is not None and value not in CATEGORY_ALIASES:
        choices = ", ".join(CATEGORY_ALIASES)
        raise ValueError(f"unknown category {value!r} — use one of: {choices}")
    return value


class _ColumnSpec(_Strict):
    id: str | None = None
    name: Annotated[str, Field(min_length=1)]
    url: str
    category: str
    max_age_days: Annotated[int, Field(gt=0, le=3650)] | None = None
    selector: str | None = None

    _url = field_validator("url")(_check_url)
    _id = field_validator("id")(_check_optional_id)
    _category = field_validator("category")(_check_category)


class _SiteSpec(_Strict):
    id: str
    profile: str | None = None
    name: Annotated[str, Field(min_length=1)]
    homepage: str
    site_code: str | None = None
    unit: str | None = None
    robots: Literal["respect", "ignore"] = "respect"
    columns: list[_ColumnSpec] = Field(default_factory=list)

    _url = field_validator("homepage")(_check_url)
    _id = field_validator("id")(_check_id)

    @field_validator("site_code", mode="before")
    @classmethod
    def _site_code(cls, value: Any) -> Any:
        # YAML reads an unquoted 4190000001 as an int; a 网站标识码 is text.
        return str(value) if isinstance(value, int) else value


class _SourceSpec(_Strict):
    feed: str | None = None
    rsshub: str | None = None
    weibo_uid: str | None = None

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


# Disclosure unit levels as the notices name them.
LEVEL_ALIASES: dict[str, Level] = {
    "department": Level.DEPARTMENT,
    "部门": Level.DEPARTMENT,
    "区管委会部门": Level.DEPARTMENT,
    "town": Level.TOWN,
    "镇办": Level.TOWN,
    "镇": Level.TOWN,
    "街道": Level.TOWN,
    "片区": Level.TOWN,
    "village": Level.VILLAGE,
    "村居": Level.VILLAGE,
    "村": Level.VILLAGE,
    "社区": Level.VILLAGE,
}


class _UnitColumnSpec(_Strict):
    id: str | None = None
    name: Annotated[str, Field(min_length=1)]
    url: str
    overview: bool = False
    max_age_days: Annotated[int, Field(gt=0, le=3650)] | None = None
    category: str | None = None

    _url = field_validator("url")(_check_url)
    _id = field_validator("id")(_check_optional_id)
    _category = field_validator("category")(_check_category)


class _UnitSpec(_Strict):
    id: str
    name: Annotated[str, Field(min_length=1)]
    level: str
    parent: str | None = None
    columns: list[_UnitColumnSpec] = Field(default_factory=list)

    _id = field_validator("id")(_check_id)

    @field_validator("level")
    @classmethod
    def _level(cls, value: str) -> str:
        if value not in LEVEL_ALIASES:
            choices = ", ".join(LEVEL_ALIASES)
            raise ValueError(f"unknown level {value!r} — use one of: {choices}")
        return value


class _TargetsSpec(_Strict):
    version: Literal[1] = 1
    profile: str = DEFAULT_PROFILE
    rsshub: str | None = None  # base URL of a self-hosted RSSHub, for `rsshub:` sources
    weibo_api: str = "https://m.weibo.cn"
    sites: list[_SiteSpec] = Field(default_factory=list)
    accounts: list[_AccountSpec] = Field(default_factory=list)
    units: list[_UnitSpec] = Field(default_factory=list)  # 政务公开 units (docs/disclosure.md)

    _rsshub = field_validator("rsshub")(lambda v: None if v is None else _check_url(v))
    _weibo = field_validator("weibo_api")(_check_url)


def _column_id(spec: _ColumnSpec | _UnitColumnSpec, index: int) -> str:
    if spec.id:
        return spec.id
    # Derive a stable id from the URL path; the name is often Chinese.
    path = re.sub(r"^https?://[^/]+", "", spec.url).strip("/")
    path = re.sub(r"/index(_\d+)?\.s?html?$|\.s?html?$", "", path)
    slug = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")[-48:].strip("-")
    return slug or f"column-{index + 1}"


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountTarget:
    """A new-media account to check: who it is, and where its posts are read."""

    account: Account
    label: str  # 类型 as the notices print it: 微博, 订阅号, 抖音 …
    source_kind: Literal["feed", "rsshub", "weibo"]
    source_url: str
    profile: str

    @property
    def id(self) -> str:
        return self.account.id


@dataclass(frozen=True, slots=True, kw_only=True)
class Targets:
    """A parsed targets file: the sites, and the rule profiles they are judged by."""

    sites: tuple[Site, ...]
    profiles: Mapping[str, Profile]  # Site.profile / AccountTarget.profile → the loaded profile
    accounts: tuple[AccountTarget, ...] = ()
    units: tuple[DisclosureUnit, ...] = ()  # 政务公开 units and their columns

    source: str = "targets.yaml"

    def profile_of(self, site: Site) -> Profile:
        return self.profiles[site.profile]

    def select(self, wanted: Sequence[str]) -> list[Site]:
        """The sites with these ids in the order given (all sites when none is given)."""
        return _pick(self.sites, wanted, "site", self.source)

    def select_accounts(self, wanted: Sequence[str]) -> list[AccountTarget]:
        """The accounts with these ids in the order given (all accounts when none is given)."""
        return _pick(self.accounts, wanted, "account", self.source)

    def select_units(self, wanted: Sequence[str]) -> list[DisclosureUnit]:
        """The disclosure units with these ids in the order given (all when none is given)."""
        return _pick(self.units, wanted, "unit", self.source)


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


_Picked = TypeVar("_Picked", bound=_HasId)


def _pick(
    choices: Sequence[_Picked], wanted: Sequence[str], noun: str, source: str
) -> list[_Picked]:
    if not wanted:
        return list(choices)
    by_id = {choice.id: choice for choice in choices}
    unknown = [w for w in wanted if w not in by_id]
    if unknown:
        known = ", ".join(sorted(by_id)) or "none"
        raise TargetsError(source, [f"no {noun} with id {', '.join(unknown)} — known ids: {known}"])
    return [by_id[w] for w in dict.fromkeys(wanted)]


def parse_targets(
    text: str, *, source: str = "targets.yaml", base_dir: Path | None = None
) -> Targets:
    """Parse the text of a targets file; raise TargetsError on any problem.

    Profile file paths are resolved against ``base_dir`` (the targets file's folder).
    """
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader, C where available
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise TargetsError(
            source, [f"{where}invalid YAML ({problem}) — check the indentation and quoting there"]
        ) from exc
    if not isinstance(data, dict):
        raise TargetsError(source, ["expected a mapping with a 'sites' list at the top level"])
    try:
        spec = _TargetsSpec.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            message = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                message = "unknown key — remove it or check its spelling"
            elif err["type"] == "missing":
                message = "required key is missing"
            problems.append(f"{_loc(err['loc'])}: {message}")
        raise TargetsError(source, problems) from exc
    sites = _build_sites(spec, source, base_dir)
    accounts = _build_accounts(spec, source, base_dir)
    units = _build_units(spec, source)
    return Targets(
        sites=sites,
        accounts=accounts,
        units=units,
        profiles=_load_profiles(spec, sites, accounts, source),
        source=source,
    )


def _profile_ref(ref: str, base_dir: Path | None) -> str:
    """A bundled profile name as is; a profile file path made absolute."""
    if "/" in ref or ref.endswith((".yaml", ".yml")):
        path = Path(ref)
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        return str(path)
    return ref


def _load_profiles(
    spec: _TargetsSpec, sites: Sequence[Site], accounts: Sequence[AccountTarget], source: str
) -> dict[str, Profile]:
    profiles: dict[str, Profile] = {}
    problems: list[str] = []
    wheres: dict[str, str] = {}
    for i, (site_spec, site) in enumerate(zip(spec.sites, sites, strict=True)):
        where = f"sites[{i}].profile" if site_spec.profile is not None else "profile"
        wheres.setdefault(site.profile, where)
    for i, (account_spec, target) in enumerate(zip(spec.accounts, accounts, strict=True)):
        where = f"accounts[{i}].profile" if account_spec.profile is not None else "profile"
        wheres.setdefault(target.profile, where)
    if not wheres:
        wheres[_profile_ref(spec.profile, None)] = "profile"
    for ref, where in wheres.items():
        try:
            profiles[ref] = load_profile(ref)
        except ProfileError as exc:
            problems.append(f"{where}: {exc}")
    if problems:
        raise TargetsError(source, problems)
    return profiles


def _build_accounts(
    spec: _TargetsSpec, source: str, base_dir: Path | None
) -> tuple[AccountTarget, ...]:
    problems: list[str] = []
    seen: dict[str, int] = {}
    targets: list[AccountTarget] = []
    for i, acc in enumerate(spec.accounts):
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
                f"{where}.source: give exactly one of feed: URL, rsshub: /route, weibo_uid: ID"
            )
            continue
        key, value = given[0]
        kind: Literal["feed", "rsshub", "weibo"] = (
            "feed" if key == "feed" else "rsshub" if key == "rsshub" else "weibo"
        )
        if kind == "rsshub" and spec.rsshub is None:
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
                source_url=source_url(
                    kind, str(value), rsshub_base=spec.rsshub, weibo_api=spec.weibo_api
                ),
                profile=_profile_ref(acc.profile or spec.profile, base_dir),
            )
        )
    if problems:
        raise TargetsError(source, problems)
    return tuple(targets)


def _build_sites(spec: _TargetsSpec, source: str, base_dir: Path | None) -> tuple[Site, ...]:
    problems: list[str] = []
    seen_sites: dict[str, int] = {}
    sites: list[Site] = []
    for i, site in enumerate(spec.sites):
        if site.id in seen_sites:
            problems.append(
                f"sites[{i}].id: duplicate id {site.id!r} (also sites[{seen_sites[site.id]}])"
                " — give each site its own id"
            )
        seen_sites.setdefault(site.id, i)
        columns: list[Column] = []
        seen_columns: dict[str, int] = {}
        for j, col in enumerate(site.columns):
            where = f"sites[{i}].columns[{j}]"
            category = CATEGORY_ALIASES[col.category]
            if category is Category.UPDATE and col.max_age_days is None:
                problems.append(
                    f"{where}.max_age_days: an 'update' (应更新) column needs max_age_days"
                    " — how many days it may go without a new item"
                )
            if category is not Category.UPDATE and col.max_age_days is not None:
                problems.append(
                    f"{where}.max_age_days: only 'update' columns take max_age_days; "
                    f"{col.category!r} has the national window — remove it or use category: update"
                )
            column_id = _column_id(col, j)
            if column_id in seen_columns:
                problems.append(
                    f"{where}.id: duplicate column id {column_id!r} in site {site.id!r} "
                    f"(also columns[{seen_columns[column_id]}]) — set a distinct 'id'"
                )
            seen_columns.setdefault(column_id, j)
            columns.append(
                Column(
                    id=column_id,
                    name=col.name,
                    url=col.url,
                    category=category,
                    max_age_days=col.max_age_days,
                    selector=col.selector,
                )
            )
        sites.append(
            Site(
                id=site.id,
                name=site.name,
                homepage=site.homepage,
                site_code=site.site_code,
                unit=site.unit,
                respect_robots=site.robots == "respect",
                profile=_profile_ref(site.profile or spec.profile, base_dir),
                columns=tuple(columns),
            )
        )
    if problems:
        raise TargetsError(source, problems)
    return tuple(sites)


def _build_units(spec: _TargetsSpec, source: str) -> tuple[DisclosureUnit, ...]:
    problems: list[str] = []
    seen: dict[str, int] = {}
    levels = {u.id: LEVEL_ALIASES[u.level] for u in spec.units}
    units: list[DisclosureUnit] = []
    for i, unit in enumerate(spec.units):
        where = f"units[{i}]"
        if unit.id in seen:
            problems.append(
                f"{where}.id: duplicate unit id {unit.id!r} (also units[{seen[unit.id]}])"
                " — give each unit its own id"
            )
        seen.setdefault(unit.id, i)
        level = LEVEL_ALIASES[unit.level]
        if unit.parent is not None and unit.parent not in levels:
            problems.append(
                f"{where}.parent: no unit with id {unit.parent!r} — list the town under units"
            )
        elif unit.parent is not None and levels[unit.parent] is not Level.TOWN:
            problems.append(f"{where}.parent: {unit.parent!r} is not a town (level: town)")
        if level is Level.VILLAGE and unit.parent is None:
            problems.append(f"{where}.parent: a village needs parent: its town's unit id")
        columns: list[DisclosureColumn] = []
        seen_columns: dict[str, int] = {}
        for j, col in enumerate(unit.columns):
            cwhere = f"{where}.columns[{j}]"
            category = CATEGORY_ALIASES[col.category] if col.category else None
            if col.overview and col.category is not None:
                problems.append(
                    f"{cwhere}.category: an overview page is judged by its own date "
                    "(max_age_days) — remove category"
                )
            if category is Category.UPDATE and col.max_age_days is None:
                problems.append(
                    f"{cwhere}.max_age_days: an 'update' (应更新) column needs max_age_days"
                )
            if (
                col.max_age_days is not None
                and not col.overview
                and category is not (Category.UPDATE)
            ):
                problems.append(
                    f"{cwhere}.max_age_days: only overview pages and 'update' columns take "
                    "max_age_days — remove it, or add overview: true"
                )
            column_id = _column_id(col, j)
            if column_id in seen_columns:
                problems.append(
                    f"{cwhere}.id: duplicate column id {column_id!r} in unit {unit.id!r} "
                    f"(also columns[{seen_columns[column_id]}]) — set a distinct 'id'"
                )
            seen_columns.setdefault(column_id, j)
            columns.append(
                DisclosureColumn(
                    id=column_id,
                    name=col.name,
                    url=col.url,
                    overview=col.overview,
                    max_age_days=col.max_age_days if col.overview else None,
                    category=category,
                    category_days=col.max_age_days if category is Category.UPDATE else None,
                )
            )
        units.append(
            DisclosureUnit(
                id=unit.id,
                name=unit.name,
                level=level,
                parent=unit.parent,
                columns=tuple(columns),
            )
        )
    if problems:
        raise TargetsError(source, problems)
    return tuple(units)


def load_targets(path: Path) -> Targets:
    """Read and parse a targets file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise TargetsError(
            str(path),
            ["file not found — pass --targets FILE, or copy targets.example.yaml to targets.yaml"],
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise TargetsError(str(path), [f"cannot read the file ({exc}) — save it as UTF-8"]) from exc
    return parse_targets(text, source=str(path), base_dir=path.parent)
