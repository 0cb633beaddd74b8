"""A city portal's pages: ``/zwyw/list.html``, ``list_2.html``,
``/zwyw/2022-05/20/content_45678.html``.

Items show ``MM-DD`` dates when every item on the page is well within the past year (so
the year is never in doubt) and full ``YYYY-MM-DD`` dates otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from crawler.demo.model import DemoColumn, DemoItem, DemoSite
from crawler.demo.styles.base import CmsStyle

__all__ = ["PortalStyle"]


class PortalStyle(CmsStyle):
    key = "portal"
    page_size = 14

    def column_path(self, column: DemoColumn, page: int = 1) -> str:
        return f"/{column.id}/list.html" if page == 1 else f"/{column.id}/list_{page}.html"

    def article_path(self, column: DemoColumn, item: DemoItem) -> str:
        day = item.published
        return f"/{column.id}/{day:%Y-%m}/{day:%d}/content_{item.number}.html"

    def list_html(
        self,
        site: DemoSite,
        column: DemoColumn,
        items: Sequence[DemoItem],
        *,
        page_path: str,
        today: date,
    ) -> str:
        short = self.mmdd_safe(items, today)
        rows = "\n".join(
            f'<li><a href="{self.link(page_path, self.article_path(column, item))}" '
            f'title="{escape(item.title)}" target="_blank">{escape(item.title)}</a>'
            f'<span class="date">'
            f"{item.published.strftime('%m-%d' if short else '%Y-%m-%d')}</span></li>"
            for item in items
        )
        return f'<ul class="news-list">\n{rows}\n</ul>'
