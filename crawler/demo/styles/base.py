"""What a CMS style decides: URLs of column pages and articles, and the list markup.

Each style module subclasses ``CmsStyle``; the shared page chrome (head, header, sidebar,
footer) lives in ``crawler.demo.styles.chrome``. Hrefs are written relative to the page
that holds them where the imitated CMS does so, and resolve to the paths in ``*_path``.
"""

from __future__ import annotations

import posixpath
from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import date, timedelta
from html import escape
from typing import ClassVar

from crawler.demo.model import DemoColumn, DemoItem, DemoSite

__all__ = ["CmsStyle", "href", "iso"]

MMDD_MAX_AGE_DAYS = 300  # MM-DD dates only while every item is well within the past year


def iso(day: date) -> str:
    return day.isoformat()


def href(from_path: str, to_path: str, *, relative: bool) -> str:
    """An escaped href from the page at ``from_path`` to ``to_path`` (both absolute paths)."""
    if not relative:
        return escape(to_path)
    base = from_path.split("?", 1)[0]
    directory = base if base.endswith("/") else posixpath.dirname(base) + "/"
    target, _, query = to_path.partition("?")
    rel = posixpath.relpath(target, directory)
    if target.endswith("/") and not rel.endswith("/"):
        rel += "/"
    if not rel.startswith("."):
        rel = f"./{rel}"
    return escape(rel + (f"?{query}" if query else ""))


class CmsStyle(ABC):
    """One content management system's way of laying out a site."""

    key: ClassVar[str]
    page_size: ClassVar[int] = 12  # items per list page; 15–25 items always give a page 2
    relative_links: ClassVar[bool] = False  # write hrefs relative to the current page
    sidebar_first: ClassVar[bool] = False  # sidebar before the main content in the markup

    @abstractmethod
    def column_path(self, column: DemoColumn, page: int = 1) -> str:
        """The path of a column's list page ``page`` (1 is the column's own URL)."""

    @abstractmethod
    def article_path(self, column: DemoColumn, item: DemoItem) -> str:
        """The path of an article page."""

    @abstractmethod
    def list_html(
        self,
        site: DemoSite,
        column: DemoColumn,
        items: Sequence[DemoItem],
        *,
        page_path: str,
        today: date,
    ) -> str:
        """The markup of one list page's items."""

    def column_aliases(self, column: DemoColumn) -> tuple[str, ...]:
        """Other paths that serve a column's first page (``/gzdt/`` for ``/gzdt/index.html``)."""
        return ()

    def link(self, page_path: str, to_path: str) -> str:
        return href(page_path, to_path, relative=self.relative_links)

    def pages(self, column: DemoColumn) -> int:
        return max(1, -(-len(column.items) // self.page_size))

    def page_items(self, column: DemoColumn, page: int) -> Sequence[DemoItem]:
        return column.items[(page - 1) * self.page_size : page * self.page_size]

    def pagination_html(self, column: DemoColumn, page: int, *, page_path: str) -> str:
        pages = self.pages(column)

        def anchor(target: int, text: str) -> str:
            if target == page or not 1 <= target <= pages:
                return f"<span>{text}</span>"
            return f'<a href="{self.link(page_path, self.column_path(column, target))}">{text}</a>'

        numbers = " ".join(anchor(n, str(n)) for n in range(1, pages + 1))
        return (
            f'<div class="page">共{len(column.items)}条 第{page}/{pages}页 '
            f"{anchor(1, '首页')} {anchor(page - 1, '上一页')} {numbers} "
            f"{anchor(page + 1, '下一页')} {anchor(pages, '尾页')}</div>"
        )

    @staticmethod
    def mmdd_safe(items: Sequence[DemoItem], today: date) -> bool:
        """True when MM-DD dates leave no doubt about the year of any of ``items``."""
        oldest = today - timedelta(days=MMDD_MAX_AGE_DAYS)
        return all(oldest <= item.published < today for item in items)
