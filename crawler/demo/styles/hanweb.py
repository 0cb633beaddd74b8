"""Hanweb (大汉) JCMS-like pages: ``/col/col1021/index.html?uid=…&pageNum=2`` and
``/art/2022/5/20/art_1021_45678.html``.

Items are table rows with a title cell and a date cell that carries the time
(``2022-05-20 10:32``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from crawler.demo.model import DemoColumn, DemoItem, DemoSite
from crawler.demo.styles.base import CmsStyle

__all__ = ["HanwebStyle"]


class HanwebStyle(CmsStyle):
    key = "hanweb"
    page_size = 13

    def column_path(self, column: DemoColumn, page: int = 1) -> str:
        base = f"/col/col{column.number}/index.html"
        return base if page == 1 else f"{base}?uid={column.number * 3 + 7}&pageNum={page}"

    def article_path(self, column: DemoColumn, item: DemoItem) -> str:
        day = item.published
        return f"/art/{day.year}/{day.month}/{day.day}/art_{column.number}_{item.number}.html"

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
            "<tr>"
            f'<td class="bt"><a href="{self.link(page_path, self.article_path(column, item))}" '
            f'title="{escape(item.title)}" target="_blank">{escape(item.title)}</a></td>'
            f'<td class="sj" width="130">{item.published.isoformat()} {item.at:%H:%M}</td>'
            "</tr>"
            for item in items
        )
        return (
            '<table class="list-table" width="100%" cellspacing="0" cellpadding="0">\n'
            f"<tbody>\n{rows}\n</tbody>\n</table>"
        )
