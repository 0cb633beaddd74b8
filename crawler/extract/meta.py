"""Meta tags: the government page tags (SiteName, ColumnName, PubDate, …) and publish-date tags.

Government CMSs (TRS, Hanweb, VSB, Easysite) write ``<meta name="PubDate" content="2022-05-20
14:30">`` and friends, as the national page-tag specification asks. Names are matched without
regard to case and reported in the specification's spelling.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from selectolax.lexbor import LexborHTMLParser

from crawler.extract.dates import parse_date
from crawler.extract.text import collapse

GOVERNMENT_NAMES = (
    "SiteName",
    "SiteDomain",
    "SiteIDCode",
    "ColumnName",
    "ColumnType",
    "ColumnDescription",
    "ColumnKeywords",
    "ArticleTitle",
    "PubDate",
    "ContentSource",
)
_CANONICAL = {name.lower(): name for name in GOVERNMENT_NAMES}

# Publish-date tags, most trusted first (attribute, lower-cased key).
PUBLISH_DATE_KEYS = (
    ("name", "pubdate"),
    ("name", "publishdate"),
    ("name", "firstpublishedtime"),
    ("property", "article:published_time"),
    ("name", "article:published_time"),
    ("property", "og:release_date"),
    ("name", "og:release_date"),
    ("name", "publish_date"),
    ("name", "publication_date"),
    ("name", "dc.date.issued"),
    ("name", "dcterms.issued"),
    ("name", "dc.date"),
    ("itemprop", "datepublished"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class MetaTags:
    """The page's meta tags: government tags by canonical name, all tags by (attribute, key)."""

    government: MappingProxyType[str, str]
    by_key: MappingProxyType[tuple[str, str], tuple[str, str]]  # → (original key, content)

    def publish_date(self, *, today: date) -> tuple[date, str] | None:
        """The first plausible publish date among the date tags, and where it was read."""
        for attribute, key in PUBLISH_DATE_KEYS:
            found = self.by_key.get((attribute, key))
            if found is None:
                continue
            original, content = found
            value = parse_date(content, today=today)
            if value is not None:
                return value, f"meta[{attribute}={original}]"
        return None

    @property
    def says_article(self) -> bool:
        """The government tags that only article pages carry."""
        return "ArticleTitle" in self.government


def read_meta(tree: LexborHTMLParser) -> MetaTags:
    government: dict[str, str] = {}
    by_key: dict[tuple[str, str], tuple[str, str]] = {}
    for node in tree.css("meta"):
        attributes = node.attributes
        content = attributes.get("content")
        if content is None:
            continue
        content = collapse(content)
        for attribute in ("name", "property", "itemprop", "http-equiv"):
            original = attributes.get(attribute)
            if not original:
                continue
            original = original.strip()
            key = original.lower()
            by_key.setdefault((attribute, key), (original, content))
            canonical = _CANONICAL.get(key)
            if canonical is not None and content and canonical not in government:
                government[canonical] = content
    return MetaTags(government=MappingProxyType(government), by_key=MappingProxyType(by_key))
