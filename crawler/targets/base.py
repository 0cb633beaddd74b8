"""What every section of the targets file shares: the error, the strict spec base, the checks.

``TargetsError`` is the one error of the package. The field checks raise ``ValueError`` for
pydantic to collect; ``crawler.targets.loading`` turns those into ``TargetsError`` lines.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from rules.model import Category

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


class _ColumnLike(Protocol):
    """A site column or a disclosure unit column, as written in the file."""

    @property
    def id(self) -> str | None: ...

    @property
    def url(self) -> str: ...


def _column_id(spec: _ColumnLike, index: int) -> str:
    if spec.id:
        return spec.id
    # Derive a stable id from the URL path; the name is often Chinese.
    path = re.sub(r"^https?://[^/]+", "", spec.url).strip("/")
    path = re.sub(r"/index(_\d+)?\.s?html?$|\.s?html?$", "", path)
    slug = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")[-48:].strip("-")
    return slug or f"column-{index + 1}"


def _claim_column_id(
    spec: _ColumnLike,
    index: int,
    seen: dict[str, int],
    *,
    where: str,
    owner: str,
    problems: list[str],
) -> str:
    """The column's id, noting a problem when an earlier column of the same owner has it.

    ``seen`` maps the ids claimed so far in this site or unit to their column index; ``owner``
    names the site or unit in the message (``site 'gov-a'``).
    """
    column_id = _column_id(spec, index)
    if column_id in seen:
        problems.append(
            f"{where}.id: duplicate column id {column_id!r} in {owner} "
            f"(also columns[{seen[column_id]}]) — set a distinct 'id'"
        )
    seen.setdefault(column_id, index)
    return column_id


def _profile_ref(ref: str, base_dir: Path | None) -> str:
    """A bundled profile name as is; a profile file path made absolute."""
    if "/" in ref or ref.endswith((".yaml", ".yml")):
        path = Path(ref)
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        return str(path)
    return ref
