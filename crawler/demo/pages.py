"""All pages of one demo site, as the bytes the server sends.

The homepage, list pages, static column pages, images and robots.txt are rendered when the
site is built; article pages on first request (a generated fleet has tens of thousands), then
kept. Each page carries an ETag and a Last-Modified date so conditional requests can answer
304. The homepage shows a banner image and 图片新闻 lists a thumbnail per item (real PNG bytes;
``fleet.IMAGES_NOT_DISPLAYED`` names the column whose thumbnails are broken). Once the fleet's
ports are known, ``link_sites`` gives the portal its 部门网站 box of links to the other sites.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from email.utils import format_datetime
from html import escape

from crawler.demo.board import DemoLetter, board_pages, letter_page
from crawler.demo.fleet import DEAD_EXTERNAL_LINK, IMAGES_NOT_DISPLAYED, PHOTO_COLUMN
from crawler.demo.images import MISSING_IMAGE_PAGE, png, truncated_png
from crawler.demo.model import DemoColumn, DemoItem, DemoSite
from crawler.demo.styles import CmsStyle, style_for
from crawler.demo.styles.chrome import document, newest_items
from rules.model import SHANGHAI

__all__ = ["Page", "SitePages"]

HOME_BOXES = 4
HOME_BOX_ITEMS = 6
ROBOTS_TXT = "User-agent: *\nAllow: /\n"
BANNER_PATH = "/images/banner.png"
MOVED_PATH = "old/index.html"  # where the portal's stale link to a department site points


@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    body: bytes
    content_type: str
    etag: str  # quoted, strong
    last_modified: datetime  # aware UTC, whole seconds

    @property
    def last_modified_http(self) -> str:
        return format_datetime(self.last_modified, usegmt=True)


def _moment(day: date, at: time = time(9, 0)) -> datetime:
    return datetime.combine(day, at, tzinfo=SHANGHAI).astimezone(UTC)


def _column_type(column: DemoColumn) -> str:
    return column.category.label


class SitePages:
    """Every page of ``site``, by path (with the query string where a style uses one)."""

    def __init__(self, site: DemoSite, today: date) -> None:
        self.site = site
        self.today = today
        self.style: CmsStyle = style_for(site.style)
        self._pages: dict[str, Page] = {}
        self._articles: dict[str, tuple[DemoColumn, DemoItem]] = {}
        newest = newest_items(site, 1)
        latest = newest[0][1] if newest else None
        self._site_modified = _moment(latest.published, latest.at) if latest else _moment(today)
        self._sites: Mapping[str, tuple[str, str]] = {}  # other sites: id → (name, base URL)
        self._letters: dict[str, DemoLetter] = {}  # the board's letters by detail path
        self._render()

    # --- lookup ----------------------------------------------------------------------------

    def get(self, path: str) -> Page | None:
        """The page at ``path`` (``/a/b.html`` or ``/a/index.html?uid=1&pageNum=2``), if any."""
        page = self._pages.get(path)
        if page is not None:
            return page
        article = self._articles.get(path)
        if article is None:
            letter = self._letters.get(path)
            if letter is None:
                return None
            text = letter_page(self.site, letter, self.today)
            return self._encode(text, letter.asked.astimezone(UTC))
        page = self._render_article(path, *article)
        self._pages[path] = page
        return page

    def paths(self) -> Iterator[str]:
        """Every path this site serves (list pages, articles, aliases, robots.txt)."""
        yield from list(self._pages)
        yield from (path for path in self._articles if path not in self._pages)
        yield from self._letters  # the board's letters, rendered when asked

    def column_url_path(self, column: DemoColumn) -> str:
        return self.style.column_path(column)

    def link_sites(self, sites: Mapping[str, tuple[str, str]]) -> None:
        """Give the portal its 部门网站 box: ``sites`` maps every served site's id to its name
        and base URL. Other sites' homepages stay as they are."""
        portal, moved = DEAD_EXTERNAL_LINK
        if self.site.id != portal:
            return
        self._sites = {
            site_id: (name, base + MOVED_PATH if site_id == moved else base)
            for site_id, (name, base) in sites.items()
            if site_id != self.site.id
        }
        home = self._encode(self._homepage(), self._site_modified)
        self._pages["/"] = home
        self._pages["/index.html"] = home

    # --- rendering -------------------------------------------------------------------------

    def _encode(self, text: str, modified: datetime, content_type: str | None = None) -> Page:
        body = text.encode(self.site.charset.codec)
        if content_type is None:
            charset = self.site.charset.header_charset
            content_type = f"text/html; charset={charset}" if charset else "text/html"
        digest = hashlib.blake2b(body, digest_size=10).hexdigest()
        return Page(
            body=body, content_type=content_type, etag=f'"{digest}"', last_modified=modified
        )

    def _render(self) -> None:
        site, style = self.site, self.style
        self._pages["/robots.txt"] = self._encode(
            ROBOTS_TXT, self._site_modified, "text/plain; charset=utf-8"
        )
        home = self._encode(self._homepage(), self._site_modified)
        self._pages["/"] = home
        self._pages["/index.html"] = home
        self._pages[BANNER_PATH] = self._image(png(len(site.id)), self._site_modified)
        for column in site.columns:
            if column.name == PHOTO_COLUMN:
                self._render_thumbnails(column)
            if not column.is_list:
                page = self._encode(
                    self._static_page(column), _moment(column.updated or self.today)
                )
                self._pages[style.column_path(column)] = page
                for alias in style.column_aliases(column):
                    self._pages[alias] = page
                continue
            for number in range(1, style.pages(column) + 1):
                items = style.page_items(column, number)
                path = style.column_path(column, number)
                page = self._encode(
                    self._list_page(column, number, path),
                    _moment(items[0].published, items[0].at),
                )
                self._pages[path] = page
                if number == 1:
                    for alias in style.column_aliases(column):
                        self._pages[alias] = page
            for item in column.items:
                self._articles[style.article_path(column, item)] = (column, item)
        if site.letters:  # the 网上咨询 board (crawler.demo.board)
            newest = max(letter.asked for letter in site.letters)
            for path, text in board_pages(site, self.today).items():
                self._pages[path] = self._encode(text, newest.astimezone(UTC))
            self._letters = {letter.path: letter for letter in site.letters}

    def _image(self, body: bytes, modified: datetime, content_type: str = "image/png") -> Page:
        digest = hashlib.blake2b(body, digest_size=10).hexdigest()
        return Page(
            body=body, content_type=content_type, etag=f'"{digest}"', last_modified=modified
        )

    def _render_thumbnails(self, column: DemoColumn) -> None:
        broken = IMAGES_NOT_DISPLAYED.get(self.site.id) == column.id
        for item in column.items:
            modified = _moment(item.published, item.at)
            path = _thumbnail_path(column, item)
            if not broken:
                self._pages[path] = self._image(png(item.number), modified)
            elif item.number % 2:
                self._pages[path] = self._image(truncated_png(item.number), modified)
            else:  # the CMS lost the file and answers with its error page, status 200
                self._pages[path] = self._image(
                    MISSING_IMAGE_PAGE, modified, "text/html; charset=utf-8"
                )

    def _homepage(self) -> str:
        site, style = self.site, self.style
        lists = [column for column in site.columns if column.is_list]
        lists.sort(key=lambda column: column.problem is not None)  # fresh columns first
        boxes = []
        for column in lists[:HOME_BOXES]:
            items = column.items[:HOME_BOX_ITEMS]
            short = style.mmdd_safe(items, self.today)
            rows = "".join(
                f'<li><a href="{style.link("/", style.article_path(column, item))}" '
                f'title="{escape(item.title)}" target="_blank">{escape(item.title)}</a>'
                f"<span>{item.published.strftime('%m-%d' if short else '%Y-%m-%d')}</span></li>"
                for item in items
            )
            boxes.append(
                f'<div class="box"><div class="box-hd"><h3>{escape(column.name)}</h3>'
                f'<a class="more" href="{style.link("/", style.column_path(column))}">'
                f"更多&gt;&gt;</a></div><ul>{rows}</ul></div>"
            )
        if self._sites:
            rows = "".join(
                f'<li><a href="{escape(base)}" target="_blank">{escape(name)}</a></li>'
                for name, base in self._sites.values()
            )
            boxes.append(
                '<div class="box links"><div class="box-hd"><h3>部门网站</h3></div>'
                f"<ul>{rows}</ul></div>"
            )
        banner = f'<div class="banner"><img src="{BANNER_PATH}" alt="{escape(site.name)}"></div>\n'
        main = banner + '<div class="home-boxes">\n' + "\n".join(boxes) + "\n</div>"
        return document(site, style, today=self.today, page_path="/", title=site.name, main=main)

    def _list_page(self, column: DemoColumn, number: int, path: str) -> str:
        style = self.style
        items = style.page_items(column, number)
        pictures = ""
        if column.name == PHOTO_COLUMN:
            pictures = (
                '<div class="pic-list">'
                + "".join(
                    f'<a href="{style.link(path, style.article_path(column, item))}">'
                    f'<img src="{_thumbnail_path(column, item)}" alt="{escape(item.title)}"></a>'
                    for item in items
                )
                + "</div>\n"
            )
        main = (
            f'<div class="column-title"><h2>{escape(column.name)}</h2></div>\n'
            + pictures
            + style.list_html(self.site, column, items, page_path=path, today=self.today)
            + "\n"
            + style.pagination_html(column, number, page_path=path)
        )
        metas = _column_metas(self.site, column)
        return document(
            self.site,
            style,
            today=self.today,
            page_path=path,
            title=f"{column.name}-{self.site.name}",
            main=main,
            metas=metas,
            trail=column.name,
        )

    def _static_page(self, column: DemoColumn) -> str:
        updated = column.updated or self.today
        paragraphs = "".join(f"<p>{escape(text)}</p>" for text in column.text)
        main = (
            f'<div class="article"><h1>{escape(column.name)}</h1>'
            f'<div class="info">更新时间：{updated.isoformat()}</div>'
            f'<div class="content">{paragraphs}</div></div>'
        )
        metas = _column_metas(self.site, column)
        path = self.style.column_path(column)
        return document(
            self.site,
            self.style,
            today=self.today,
            page_path=path,
            title=f"{column.name}-{self.site.name}",
            main=main,
            metas=metas,
            trail=column.name,
        )

    def _render_article(self, path: str, column: DemoColumn, item: DemoItem) -> Page:
        stamp = f"{item.published.isoformat()} {item.at:%H:%M}"
        paragraphs = "".join(f"<p>{escape(text)}</p>" for text in item.body)
        main = (
            f'<div class="article"><h1 class="title">{escape(item.title)}</h1>'
            f'<div class="info"><span>发布时间：{stamp}</span>'
            f"<span>来源：{escape(self.site.unit)}</span></div>"
            f'<div class="content">{paragraphs}</div></div>'
        )
        metas = (
            ("ColumnName", column.name),
            ("ColumnType", _column_type(column)),
            ("ArticleTitle", item.title),
            ("PubDate", stamp),
            ("ContentSource", self.site.unit),
        )
        text = document(
            self.site,
            self.style,
            today=self.today,
            page_path=path,
            title=f"{item.title}-{self.site.name}",
            main=main,
            metas=metas,
            trail=column.name,
        )
        return self._encode(text, _moment(item.published, item.at))


def _thumbnail_path(column: DemoColumn, item: DemoItem) -> str:
    return f"/images/{column.id}/{item.number}.png"


def _column_metas(site: DemoSite, column: DemoColumn) -> tuple[tuple[str, str], ...]:
    """The column tags 国办发〔2017〕47号 requires on a column page."""
    return (
        ("ColumnName", column.name),
        ("ColumnDescription", f"{site.name}{column.name}栏目,发布{column.name}相关信息。"),
        ("ColumnKeywords", f"{column.name},{site.name}"),
        ("ColumnType", _column_type(column)),
    )
