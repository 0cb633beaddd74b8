"""VSB (博达) site-group-like pages: ``/gzdt.htm``, pages counted down (``/gzdt/1.htm`` is the
last), articles at ``info/1021/45678.htm``.

Items are ``<div>`` rows with ``<span class="time">[2022-05-20]</span>``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from crawler.demo.model import DemoColumn, DemoItem, DemoSite
from crawler.demo.styles.base import CmsStyle

__all__ = ["VsbStyle"]


class VsbStyle(CmsStyle):
    key = "vsb"
    relative_links = True
    sidebar_first = True

    def column_path(self, column: DemoColumn, page: int = 1) -> str:
        if page == 1:
            return f"/{column.id}.htm"
        return f"/{column.id}/{self.pages(column) - page + 1}.htm"

    def article_path(self, column: DemoColumn, item: DemoItem) -> str:
        return f"/info/{column.number}/{item.number}.htm"

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
            f'<div class="list-item" id="line_u8_{index}">'
            f'<a href="{self.link(page_path, self.article_path(column, item))}" '
            f'title="{escape(item.title)}">{escape(item.title)}</a>'
            f'<span class="time">[{item.published.isoformat()}]</span></div>'
            for index, item in enumerate(items)
        )
        return f'<div class="list-con">\n{rows}\n</div>'
