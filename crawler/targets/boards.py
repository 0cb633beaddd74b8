"""A site's ``boards:``: its 互动交流 message boards (留言/咨询/投诉/信箱), read for their letters.

    boards:
      - name: 网上咨询
        kind: 咨询            # 咨询 投诉 建议 信箱 找错 在线访谈 调查征集 信访 纪检举报
        url: https://www.example.gov.cn/hdjl/zxts/   # or urls: [...] for a board on several lists
        unit: 市政府办公室    # optional: the owning unit
        reply_days: 5          # optional: the promised reply time, in working days
        selector: "ul.letters > li"   # optional: the letter rows of an odd board
        headers: {提问日期: asked}     # optional: header words an odd board uses
        json:                  # optional: a board loaded from a JSON endpoint
          url: https://www.example.gov.cn/api/letters?pageNo=1
          records: data.records
          fields: {title: subject, asked: createTime, replied: replyTime, status: stateName}

A board's id, when left out, is made from its URL's path, as a column's is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from pydantic import Field, field_validator, model_validator
from selectolax.lexbor import LexborHTMLParser, SelectolaxError

from crawler.targets.base import _check_optional_id, _check_url, _column_id, _Strict
from rules.boards import BOARD_KIND_ALIASES, Board, BoardJson

__all__ = ["BoardSpec", "build_boards"]

LETTER_FIELDS = ("title", "url", "asked", "replied", "status", "unit")


def _check_field_names(value: dict[str, str]) -> dict[str, str]:
    wrong = sorted(set(value) - set(LETTER_FIELDS))
    if wrong:
        raise ValueError(
            f"unknown letter field {', '.join(map(repr, wrong))} — use: {', '.join(LETTER_FIELDS)}"
        )
    return value


class _JsonSpec(_Strict):
    url: str
    records: str | None = None
    fields: dict[str, str] = Field(default_factory=dict)
    page_param: str | None = None

    _url = field_validator("url")(_check_url)
    _fields = field_validator("fields")(_check_field_names)


class BoardSpec(_Strict):
    id: str | None = None
    name: Annotated[str, Field(min_length=1)]
    kind: str
    url: str | None = None
    urls: list[str] = Field(default_factory=list)
    unit: str | None = None
    reply_days: Annotated[int, Field(gt=0, le=365)] | None = None
    selector: str | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    json_source: _JsonSpec | None = Field(default=None, alias="json")

    _id = field_validator("id")(_check_optional_id)

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        if value not in BOARD_KIND_ALIASES:
            choices = "咨询, 投诉, 建议, 信箱, 找错, 在线访谈, 调查征集, 信访, 纪检举报"
            raise ValueError(f"unknown board kind {value!r} — use one of: {choices}")
        return value

    @field_validator("selector")
    @classmethod
    def _selector(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                LexborHTMLParser("<p></p>").css(value)
            except (SelectolaxError, ValueError) as exc:
                raise ValueError(
                    f"{value!r} is not a CSS selector — write the letter rows' selector "
                    "(e.g. 'ul.letters > li'), or remove it to let the rows be found"
                ) from exc
        return value

    @field_validator("url")
    @classmethod
    def _one_url(cls, value: str | None) -> str | None:
        return None if value is None else _check_url(value)

    @field_validator("urls")
    @classmethod
    def _many_urls(cls, value: list[str]) -> list[str]:
        return [_check_url(url) for url in value]

    @field_validator("headers")
    @classmethod
    def _headers(cls, value: dict[str, str]) -> dict[str, str]:
        wrong = sorted(set(value.values()) - set(LETTER_FIELDS))
        if wrong:
            raise ValueError(
                f"headers map to unknown field {', '.join(map(repr, wrong))} — "
                f"use: {', '.join(LETTER_FIELDS)}"
            )
        return value

    @model_validator(mode="after")
    def _somewhere(self) -> BoardSpec:
        if self.url is None and not self.urls and self.json_source is None:
            raise ValueError(
                "a board needs its list page: give 'url' (or 'urls', or a 'json' endpoint)"
            )
        return self

    def all_urls(self) -> tuple[str, ...]:
        urls = ([self.url] if self.url else []) + self.urls
        if not urls and self.json_source is not None:
            urls = [self.json_source.url]
        return tuple(dict.fromkeys(urls))


def build_boards(
    specs: Sequence[BoardSpec], *, where: str, site_id: str, problems: list[str]
) -> tuple[Board, ...]:
    """The site's boards; a duplicate id is a problem (``where`` is ``sites[i]``)."""
    boards: list[Board] = []
    seen: dict[str, int] = {}
    for index, spec in enumerate(specs):
        urls = spec.all_urls()
        board_id = spec.id or _column_id(_UrlOnly(urls[0]), index).replace("column-", "board-")
        if board_id in seen:
            problems.append(
                f"{where}.boards[{index}].id: duplicate board id {board_id!r} in site "
                f"{site_id!r} (also boards[{seen[board_id]}]) — set a distinct 'id'"
            )
        seen.setdefault(board_id, index)
        source = spec.json_source
        boards.append(
            Board(
                id=board_id,
                name=spec.name,
                kind=BOARD_KIND_ALIASES[spec.kind],
                urls=urls,
                unit=spec.unit,
                reply_days=spec.reply_days,
                selector=spec.selector,
                headers=tuple(spec.headers.items()),
                json=None
                if source is None
                else BoardJson(
                    url=source.url,
                    records=source.records,
                    fields=tuple(source.fields.items()),
                    page_param=source.page_param,
                ),
            )
        )
    return tuple(boards)


class _UrlOnly:
    """A URL seen as a column spec, for the shared id derivation."""

    def __init__(self, url: str) -> None:
        self._url = url

    @property
    def id(self) -> None:
        return None

    @property
    def url(self) -> str:
        return self._url
