"""The whole targets file: its top-level keys, parsing and reading it, and the ``Targets`` value.

Each section is built by its own module (``sites``, ``accounts``, ``units``); this one reads the
YAML, validates it against ``_TargetsSpec``, turns pydantic's errors into ``TargetsError`` lines
and loads the rule profiles the sites and accounts name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol, TypeVar

import yaml
from pydantic import Field, ValidationError, field_validator

from crawler.fetch.addresses import AddressPolicy, IPNetwork, host_of, parse_networks
from crawler.fetch.errors import FetchConfigError
from crawler.targets.accounts import AccountTarget, _AccountSpec, _build_accounts
from crawler.targets.base import TargetsError, _check_url, _profile_ref, _Strict
from crawler.targets.notify import NotifySettings, _NotifySpec, build_notify_settings
from crawler.targets.report import ReportSettings, _ReportSpec, build_report_settings
from crawler.targets.sites import _build_sites, _SiteSpec
from crawler.targets.units import _build_units, _UnitSpec
from rules.disclosure import DisclosureUnit
from rules.model import Site
from rules.profile import Profile, ProfileError
from rules.profile_files import load_profile
from rules.yaml_files import DuplicateKeyError, YamlFileError, load_yaml, read_text

DEFAULT_PROFILE = "national-2019"

MAX_TARGETS_BYTES = 16 * 1024**2
"""A bigger targets file is a wrong path (or /dev/zero), not a fleet: ~50,000 sites fit."""


class _TargetsSpec(_Strict):
    version: Literal[1] = 1
    profile: str = DEFAULT_PROFILE
    rsshub: str | None = None  # base URL of a self-hosted RSSHub, for `rsshub:` sources
    weibo_api: str = "https://m.weibo.cn"
    sites: list[_SiteSpec] = Field(default_factory=list)
    accounts: list[_AccountSpec] = Field(default_factory=list)
    units: list[_UnitSpec] = Field(default_factory=list)  # 政务公开 units (docs/disclosure.md)
    allow_addresses: list[str] = Field(default_factory=list)  # internal ranges that may be read
    report: _ReportSpec | None = None  # the notice's own words (crawler/targets/report.py)
    notify: _NotifySpec | None = None  # where news of findings goes (crawler/targets/notify.py)

    _rsshub = field_validator("rsshub")(lambda v: None if v is None else _check_url(v))
    _weibo = field_validator("weibo_api")(_check_url)

    @field_validator("allow_addresses")
    @classmethod
    def _ranges(cls, values: list[str]) -> list[str]:
        try:
            parse_networks(values)
        except FetchConfigError as exc:
            raise ValueError(str(exc).removeprefix("allow_addresses")) from exc
        return values


@dataclass(frozen=True, slots=True, kw_only=True)
class Targets:
    """A parsed targets file: the sites, and the rule profiles they are judged by."""

    sites: tuple[Site, ...]
    profiles: Mapping[str, Profile]  # Site.profile / AccountTarget.profile → the loaded profile
    accounts: tuple[AccountTarget, ...] = ()
    units: tuple[DisclosureUnit, ...] = ()  # 政务公开 units and their columns

    source: str = "targets.yaml"
    named_hosts: frozenset[str] = frozenset()  # every host the file names (address policy)
    allow_addresses: tuple[IPNetwork, ...] = ()  # the `allow_addresses:` ranges
    report: ReportSettings = field(default_factory=ReportSettings)  # the `report:` section
    notify: NotifySettings = field(default_factory=NotifySettings)  # the `notify:` section

    def address_policy(self) -> AddressPolicy:
        """What a crawl of this file may reach: its named hosts, its allowed ranges."""
        return AddressPolicy.for_hosts(self.named_hosts, self.allow_addresses)

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


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse_targets(
    text: str, *, source: str = "targets.yaml", base_dir: Path | None = None
) -> Targets:
    """Parse the text of a targets file; raise TargetsError on any problem.

    Profile file paths are resolved against ``base_dir`` (the targets file's folder).
    """
    try:
        data = load_yaml(text)  # libyaml where available: ~10x faster on a large file
    except DuplicateKeyError as exc:
        raise TargetsError(
            source,
            [
                f"line {exc.line}: key {exc.key!r} is given twice (first on line "
                f"{exc.first_line}) — merge the two blocks into one; only the last would be read"
            ],
        ) from exc
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
    sites = _build_sites(spec.sites, profile=spec.profile, source=source, base_dir=base_dir)
    accounts = _build_accounts(
        spec.accounts,
        profile=spec.profile,
        rsshub=spec.rsshub,
        weibo_api=spec.weibo_api,
        source=source,
        base_dir=base_dir,
    )
    units = _build_units(spec.units, source=source)
    try:
        report = build_report_settings(spec.report, frozenset(site.id for site in sites))
    except ValueError as exc:
        raise TargetsError(source, [str(exc)]) from exc
    named_units = {s.unit for s in sites if s.unit}
    named_units |= {a.account.unit for a in accounts if a.account.unit}
    notify, problems = build_notify_settings(spec.notify, named_units)
    if problems:
        raise TargetsError(source, problems)
    return Targets(
        sites=sites,
        accounts=accounts,
        units=units,
        profiles=_load_profiles(spec, sites, accounts, source),
        source=source,
        named_hosts=_named_hosts(spec, sites, accounts, units),
        allow_addresses=parse_networks(spec.allow_addresses),
        report=report,
        notify=notify,
    )


def _named_hosts(
    spec: _TargetsSpec,
    sites: Sequence[Site],
    accounts: Sequence[AccountTarget],
    units: Sequence[DisclosureUnit],
) -> frozenset[str]:
    urls = [spec.rsshub or "", spec.weibo_api]
    urls += [u for s in sites for u in (s.homepage, *(c.url for c in s.columns))]
    urls += [a.source_url for a in accounts]
    urls += [c.url for unit in units for c in unit.columns]
    return frozenset(host for url in urls if (host := host_of(url)))


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


def load_targets(path: Path) -> Targets:
    """Read and parse a targets file."""
    try:
        text = read_text(path, max_bytes=MAX_TARGETS_BYTES)
    except YamlFileError as exc:
        raise TargetsError(str(path), [str(exc)]) from exc
    except FileNotFoundError as exc:
        raise TargetsError(
            str(path),
            ["file not found — pass --targets FILE, or copy targets.example.yaml to targets.yaml"],
        ) from exc
    except OSError as exc:
        raise TargetsError(
            str(path), [f"cannot read the file ({exc.strerror or exc}) — check the path"]
        ) from exc
    return parse_targets(text, source=str(path), base_dir=path.parent)
