"""Extraction: decoded HTML in; list entries (title, link, date, where) or an article date out.

- ``dates``: the CJK-aware date parser (``parse_date``)
- ``page``: ``extract_page`` and its result ``PageExtraction``
- ``listpage`` / ``items`` / ``anchors`` / ``locate``: finding the main list and reading its entries
- ``scripted``: lists embedded in scripts (JSON arrays, Hanweb datastore records)
- ``article`` / ``meta``: article signs, publish dates and the government meta tags

Extraction never touches storage and never raises on page content.
"""

from __future__ import annotations

from crawler.extract.dates import parse_date
from crawler.extract.page import PageExtraction, extract_page

__all__ = ["PageExtraction", "extract_page", "parse_date"]
