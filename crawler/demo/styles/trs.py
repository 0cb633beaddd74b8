"""TRS WCM-like pages: ``/gzdt/index.html``, ``index_1.html``, ``./202205/t20220520_123.html``.

Items are ``<ul class="list"><li><a title=…>…</a><span>2022-05-20</span></li>``; long
titles are cut with ``...`` and kept whole in the ``title`` attribute.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from crawler.demo.model import DemoColumn, DemoItem, DemoSite
from crawler.demo.styles.base import CmsStyle

__all__ = ["TrsStyle", "shorten"]

MAX_TITLE_CHARS = 28


def shorten(title: str, limit: int = MAX_TITLE_CHARS) -> str:
    return title if len(title) <= limit else title[: limit - 1] + "..."


class TrsStyle(CmsStyle):
    key = "trs"
    relative_links = True

    def column_path(self, column: DemoColumn, page: int = 1) -> str:
        return f"/{column.id}/index.html" if page == 1 else f"/{column.id}/index_{page - 1}.html"

    def column_aliases(self, column: DemoColumn) -> tuple[str, ...]:
        return (f"/{column.id}/",)

    def article_path(self, column: DemoColumn, item: DemoItem) -> str:
        day = item.published
        return f"/{column.id}/{day:%Y%m}/t{day:%Y%m%d}_{item.number}.html"

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
            f'<li><a href="{self.link(page_path, self.article_path(column, item))}" '
            f'title="{escape(item.title)}" target="_blank">{escape(shorten(item.title))}</a>'
            f"<span>{item.published.isoformat()}</span></li>"
            for item in items
        )
        return f'<div class="list-box">\n<ul class="list">\n{rows}\n</ul>\n</div>'
