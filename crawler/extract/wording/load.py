"""Reading wording lists: the bundled ``wording.yaml`` and an office's own file of the same form.

A file is a YAML list. An item with ``wrong`` is an entry, one with ``title`` a post holder::

    - {wrong: 中华人民共合国, right: 中华人民共和国, kind: 严重表述错误, source: 国名 (宪法)}
    - {wrong: 部暑, right: 部署, kind: 错别字, source: 政务用语 (词典), not_before: "[假期]"}
    - {title: 国务院总理, name: 李强, valid_from: 2023-03-11, source: 领导职务 (…)}

pydantic checks each item at this edge; its errors become ``WordingFileError`` lines that name
the file, the item's index and the field.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from crawler.extract.wording.check import WordingList, normalise
from crawler.extract.wording.model import Kind, TitleHolder, WordingEntry
from rules.yaml_files import DuplicateKeyError, YamlFileError, load_yaml, read_text

__all__ = ["WordingError", "WordingFileError", "load_wording", "parse_wording"]

MAX_WORDING_BYTES = 4 * 1024**2
BUNDLED = "wording.yaml"


class WordingError(Exception):
    """Anything wrong with a wording list."""


class WordingFileError(WordingError):
    """A wording file that cannot be used; each problem names the item and the field."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__("\n".join(f"{path}: {problem}" for problem in problems))


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class _EntrySpec(_Spec):
    wrong: str = Field(min_length=2, max_length=60)
    right: str = Field(min_length=1, max_length=60)
    kind: Kind
    source: str = Field(min_length=1)
    not_after: str | None = None
    not_before: str | None = None
    context: str | None = None

    @field_validator("wrong")
    @classmethod
    def _matchable(cls, value: str) -> str:
        if normalise(value) != value or any(char.isspace() for char in value):
            raise ValueError(
                f"{value!r} would never match: texts are matched with full-width letters and "
                "digits folded to ASCII and no spaces between Chinese characters — write it so"
            )
        return value

    @field_validator("not_after", "not_before", "context")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"{value!r} is not a valid regex ({exc}) — fix it") from exc
        return value

    def build(self) -> WordingEntry:
        return WordingEntry(
            wrong=self.wrong,
            right=self.right,
            kind=self.kind,
            source=self.source,
            not_after=re.compile(f"(?:{self.not_after})$") if self.not_after else None,
            not_before=re.compile(self.not_before) if self.not_before else None,
            context=re.compile(self.context) if self.context else None,
        )


class _HolderSpec(_Spec):
    title: str = Field(min_length=2)
    name: str = Field(min_length=2)
    valid_from: date
    valid_to: date | None = None  # None: holds the post still
    source: str = Field(min_length=1)

    def build(self) -> TitleHolder:
        return TitleHolder(
            title=self.title,
            name=self.name,
            valid_from=self.valid_from,
            valid_to=self.valid_to,
            source=self.source,
        )


def load_wording(extra: Path | None = None) -> WordingList:
    """The bundled list, with an office's own file (same form) added when ``extra`` is given;
    an office entry with the same wrong form (and context) replaces the bundled one.

    Raises ``WordingFileError`` naming the file, item and field; ``OSError`` for a missing or
    unreadable file is left to the caller."""
    entries, holders = _bundled()
    if extra is None:
        return WordingList(entries, holders)
    try:
        text = read_text(extra, max_bytes=MAX_WORDING_BYTES)
    except YamlFileError as exc:
        raise WordingFileError(str(extra), [str(exc)]) from exc
    more, more_holders = parse_wording(text, source=str(extra))
    return WordingList(entries + more, holders + more_holders)


@lru_cache(maxsize=1)
def _bundled() -> tuple[tuple[WordingEntry, ...], tuple[TitleHolder, ...]]:
    text = resources.files(__package__).joinpath(BUNDLED).read_text(encoding="utf-8")
    return parse_wording(text, source=BUNDLED)


def parse_wording(
    text: str, *, source: str = BUNDLED
) -> tuple[tuple[WordingEntry, ...], tuple[TitleHolder, ...]]:
    """The entries and post holders of a wording file's text; ``WordingFileError`` if bad."""
    try:
        data = load_yaml(text)
    except DuplicateKeyError as exc:
        raise WordingFileError(
            source, [f"line {exc.line}: key {exc.key!r} is given twice in one item — keep one"]
        ) from exc
    except ValueError as exc:  # PyYAML builds dates itself: 2023-13-40 fails there
        raise WordingFileError(
            source, [f"a date is not a real day ({exc}) — write dates as YYYY-MM-DD"]
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise WordingFileError(
            source, [f"{where}invalid YAML ({problem}) — check the quoting there"]
        ) from exc
    if data is None:
        return (), ()
    if not isinstance(data, list):
        raise WordingFileError(
            source, ["the file must be a YAML list of entries (lines starting with '- ')"]
        )
    entries: list[WordingEntry] = []
    holders: list[TitleHolder] = []
    problems: list[str] = []
    seen: dict[tuple[str, str | None], int] = {}
    for index, item in enumerate(data):
        if not isinstance(item, dict):
            problems.append(f"[{index}]: not a mapping — write wrong:, right:, kind:, source:")
            continue
        spec: type[_EntrySpec] | type[_HolderSpec] = _HolderSpec if "title" in item else _EntrySpec
        try:
            parsed = spec.model_validate(item)
        except ValidationError as exc:
            problems += [_problem(index, error, spec) for error in exc.errors()]
            continue
        if isinstance(parsed, _HolderSpec):
            problems += _holder_problems(index, parsed)
            holders.append(parsed.build())
            continue
        entry = parsed.build()
        key = (entry.wrong, parsed.context)
        if key in seen:
            problems.append(
                f"[{index}].wrong: {entry.wrong!r} is already item [{seen[key]}] — keep one"
            )
        seen[key] = index
        if entry.wrong in entry.right and not (
            entry.context or entry.not_after or entry.not_before
        ):
            problems.append(
                f"[{index}].wrong: {entry.wrong!r} is part of its right form {entry.right!r}, "
                "so correct text would be flagged — give a longer wrong form"
            )
        entries.append(entry)
    if problems:
        raise WordingFileError(source, problems)
    return tuple(entries), tuple(holders)


def _holder_problems(index: int, spec: _HolderSpec) -> list[str]:
    if spec.valid_to is not None and spec.valid_to <= spec.valid_from:
        return [f"[{index}].valid_to: {spec.valid_to} is not after valid_from {spec.valid_from}"]
    return []


def _problem(index: int, error: Any, spec: type[_Spec]) -> str:
    field = ".".join(str(part) for part in error.get("loc", ()))
    message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    fields = ", ".join(spec.model_fields)
    if error.get("type") == "missing":
        needed = [name for name, info in spec.model_fields.items() if info.is_required()]
        message = f"missing — {'a post holder' if spec is _HolderSpec else 'an entry'} needs "
        message += ", ".join(needed)
    elif error.get("type") == "extra_forbidden":
        message = f"unknown field — the fields are {fields}"
    return f"[{index}].{field}: {message}" if field else f"[{index}]: {message}"


@lru_cache(maxsize=1)
def bundled_wording() -> WordingList:
    """The bundled list, compiled once per process (extraction workers each load it once)."""
    return load_wording()
