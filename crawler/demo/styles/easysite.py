"""Easysite-like pages: ``/gzdt/list.shtml``, ``list_2.shtml``, ``/gzdt/20220520/45678.shtml``.

Items are ``<dl><dd>`` rows with the date *before* the title.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from crawler.demo.model import DemoColumn, DemoItem, DemoSite
from crawler.demo.styles.base import CmsStyle

__all__ = ["EasysiteStyle"]


class EasysiteStyle(CmsStyle):
    key = "easysite"

    def column_path(self, column: DemoColumn, page: int = 1) -> str:
        return f"/{column.id}/list.shtml" if page == 1 else f"/{column.id}/list_{page}.shtml"

    def article_path(self, column: DemoColumn, item: DemoItem) -> str:
        return f"/{column.id}/{item.published:%Y%m%d}/{item.number}.shtml"

    def list_html(
        self,
        site: DemoSite,
        column: DemoColumn,
        items: Sequence[DemoItem],
        *,
        page_path: str,
        today: date,
    ) -> str:
        rows = "\n".join(
            f'<dd><span class="date">{item.published.isoformat()}</span>'
            f'<a href="{self.link(page_path, self.article_path(column, item))}" '
            f'title="{escape(item.title)}" target="_blank">{escape(item.title)}</a></dd>'
            for item in items
        )
        return f'<dl class="news-list">\n<dt>{escape(column.name)}</dt>\n{rows}\n</dl>'
