"""Measures over what a site's text shows: the curated list's 严重表述错误 or 错别字, and hidden
links (暗链), over its pages read and its sampled articles and attachments (``rules.content``).

Pages that could not be read show nothing, and a site whose pages were read and show nothing
measures 0: the list is precise, not complete, so 0 means "none of the listed errors", which
is what the finding's evidence says.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from pydantic import ConfigDict

from rules.content import Hit, hidden_links_of, wording_hits_of
from rules.measures.base import Context, Insufficient, Measurement, MeasureResult
from rules.model import Evidence
from rules.profile import Threshold

__all__ = ["HiddenLinksParams", "WordingParams", "hidden_links", "wording_hits"]

_NAMED = 5  # occurrences named in the evidence's detail


@dataclass(frozen=True, slots=True, kw_only=True)
class WordingParams:
    __pydantic_config__: ClassVar[ConfigDict] = ConfigDict(extra="forbid")
    kind: Literal["严重表述错误", "错别字"]


@dataclass(frozen=True, slots=True, kw_only=True)
class HiddenLinksParams:
    __pydantic_config__: ClassVar[ConfigDict] = ConfigDict(extra="forbid")


def _read(context: Context) -> Insufficient | None:
    assert context.site is not None
    if not any(page.outcome is not None and page.outcome.readable for page in context.site.pages):
        return Insufficient(reason="网站页面均未能读取,无法检查内容")
    return None


def _measure(
    context: Context, hits: list[Hit], label: str, fields: dict[str, object]
) -> Measurement:
    assert context.site is not None
    first = hits[0] if hits else None
    named = "; ".join(f"{hit.where} {hit.url}: {_described(hit)}" for hit in hits[:_NAMED])
    return Measurement(
        value=float(len(hits)),
        value_text=f"{len(hits)}处",
        occurrences=max(len(hits), 1),
        evidence=Evidence(
            url=first.url if first else context.site.site.homepage,
            checked_at=first.checked_at if first else context.now,
            newest_where=first.where if first else None,
            threshold=label,
            item_count=len(hits),
            detail=named or None,
        ),
        fields=fields,
    )


def _described(hit: Hit) -> str:
    entry = hit.entry
    if "right" in entry:
        return f"“{entry.get('sentence')}”中“{entry.get('wrong')}”应为“{entry.get('right')}”"
    return f"{entry.get('how_text')}的链接 {entry.get('url')}(“{entry.get('text')}”)"


def wording_hits(
    context: Context, params: WordingParams, threshold: Threshold
) -> list[MeasureResult]:
    """How many distinct ``kind`` errors of the curated list the site's text shows."""
    assert context.site is not None
    if (unread := _read(context)) is not None:
        return [unread]
    hits = wording_hits_of(context.site.pages, context.site.content, params.kind)
    first = hits[0].entry if hits else {}
    return [
        _measure(
            context,
            hits,
            f"{params.kind}(按错误用词表检查)",
            {
                "where": hits[0].where if hits else "",
                "wrong": first.get("wrong", ""),
                "right": first.get("right", ""),
                "sentence": first.get("sentence", ""),
            },
        )
    ]


def hidden_links(
    context: Context, params: HiddenLinksParams, threshold: Threshold
) -> list[MeasureResult]:
    """How many distinct links to other sites the site's pages hide from visitors (暗链)."""
    assert context.site is not None
    if (unread := _read(context)) is not None:
        return [unread]
    hits = hidden_links_of(context.site.pages, context.site.content)
    first = hits[0].entry if hits else {}
    return [
        _measure(
            context,
            hits,
            "隐藏的外部链接",
            {
                "where": hits[0].where if hits else "",
                "link": first.get("url", ""),
                "how": first.get("how_text", ""),
            },
        )
    ]
