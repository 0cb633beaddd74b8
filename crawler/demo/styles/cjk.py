"""Pages dated in 年月日 (``发布时间：2022年05月20日``): ``/html/gzdt/``, ``index_2.html``,
articles at ``/html/2022/gzdt_0520/45678.html``.

Each item is a small block: a heading with the link, then a line with the date.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from crawler.demo.model import DemoColumn, DemoItem, DemoSite
from crawler.demo.styles.base import CmsStyle

__all__ = ["CjkStyle", "cjk_date"]


def cjk_date(day: date) -> str:
    return f"{day.year}年{day.month:02d}月{day.day:02d}日"


class CjkStyle(CmsStyle):
    key = "cjk"
    page_size = 10
    sidebar_first = True

    def column_path(self, column: DemoColumn, page: int = 1) -> str:
        return f"/html/{column.id}/" if page == 1 else f"/html/{column.id}/index_{page}.html"

    def column_aliases(self, column: DemoColumn) -> tuple[str, ...]:
        return (f"/html/{column.id}/index.html",)

    def article_path(self, column: DemoColumn, item: DemoItem) -> str:
        day = item.published
        return f"/html/{day.year}/{column.id}_{day:%m%d}/{item.number}.html"

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
            '<div class="news-item">'
            f'<h4><a href="{self.link(page_path, self.article_path(column, item))}" '
            f'target="_blank">{escape(item.title)}</a></h4>'
            f'<p class="meta">发布时间：{cjk_date(item.published)}</p></div>'
            for item in items
        )
        return f'<div class="news-box">\n{rows}\n</div>'
