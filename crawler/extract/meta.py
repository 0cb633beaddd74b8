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

# Publish-date tags, most trusted first (attribute, lower-cased key). The CMS tags come from
# government CMSs (TRS, Hanweb …), some of which rewrite PubDate whenever they regenerate the page;
# the structured tags (Open Graph, Dublin Core, microdata) are written once, for machines.
CMS_DATE_KEYS = (
    ("name", "pubdate"),
    ("name", "publishdate"),
    ("name", "firstpublishedtime"),
)
STRUCTURED_DATE_KEYS = (
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

    def cms_date(self, *, today: date) -> tuple[date, str] | None:
        """The government CMS tags: ``PubDate``, ``publishdate``, ``firstpublishedtime``."""
        return self._first_date(CMS_DATE_KEYS, today=today)

    def structured_date(self, *, today: date) -> tuple[date, str] | None:
        """The structured tags: ``article:published_time``, Dublin Core, microdata."""
        return self._first_date(STRUCTURED_DATE_KEYS, today=today)

    def _first_date(
        self, keys: tuple[tuple[str, str], ...], *, today: date
    ) -> tuple[date, str] | None:
        for attribute, key in keys:
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
