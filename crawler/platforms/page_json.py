"""Posts read from the JSON a platform page carries or loads (抖音's ``RENDER_DATA``, B站's
``__INITIAL_STATE__``, 快手's ``__APOLLO_STATE__``, the post-list calls the page makes).

No per-platform schema: a JSON document is walked for arrays of objects that each carry a
publish time (a key like ``create_time``, ``publish_time``, ``pubdate``, ``created``,
``timestamp`` holding Unix seconds or milliseconds, or a date string) and something to know
the post by (a link, or an id — matched to the page's link that carries it). The largest such
array is the post list. Times in such JSON are mostly exact (to the second), so a list read
here beats the relative times the page shows (3天前); a relative time in the JSON keeps its
text (``Post.shown``) as on the page. Bounded: documents over ``MAX_DOCUMENT_CHARS`` are
skipped and the walk stops after ``MAX_NODES`` values.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from crawler.platforms.model import Post
from crawler.platforms.posts import largest_list, post_title
from crawler.platforms.times import is_relative_time, parse_post_time

__all__ = ["MAX_DOCUMENT_CHARS", "embedded_json", "json_documents", "json_posts"]

MAX_DOCUMENT_CHARS = 4_000_000
MAX_NODES = 300_000
_MAX_DEPTH = 24

# Keys that hold when a post was published, best first; edits and other times never count.
_TIME_KEYS = (
    re.compile(r"^(publish|pub|post|release|issue)(_?(time|date|at|ts|timestamp))?$", re.I),
    re.compile(r"^(create|created|creation)(_?(time|date|at|ts|timestamp))?$|^ctime$", re.I),
    re.compile(r"^(behot_?time|timestamp|time|date|datetime)$", re.I),
)
_NOT_TIME = re.compile(r"update|modif|edit|expire|end|last|duration|live|refresh", re.I)
_URL_KEYS = re.compile(r"^(url|link|href|share_?url|article_?url|display_?url|jump_?url)$", re.I)
_TITLE_KEYS = re.compile(r"^(title|desc|description|caption|content|text|abstract|name)$", re.I)
_ID_KEYS = re.compile(r"^(id|.+_id|.+Id|bvid|aid|photo_?id|object_?id|item_?id)$")
_NOT_ID = re.compile(r"author|user|uid|owner|music|mid|room|group_?owner|tag|cover", re.I)
_ASSIGNED = re.compile(r"(?:window\.)?[A-Za-z_$][\w$.]*\s*=\s*(?=[\[{])")


def embedded_json(html: str) -> list[object]:
    """The JSON documents the page's scripts carry: ``<script type="application/json">``
    (URL-encoded too, as 抖音's ``RENDER_DATA``) and ``window.X = {...}`` assignments."""
    documents: list[object] = []
    for script in HTMLParser(html).css("script"):
        text = script.text(deep=True) or ""
        if not text.strip() or len(text) > MAX_DOCUMENT_CHARS:
            continue
        kind = (script.attributes.get("type") or "").lower()
        if "json" in kind:
            if (document := _loads(text)) is None:
                document = _loads(unquote(text))
            if document is not None:
                documents.append(document)
            continue
        for match in _ASSIGNED.finditer(text):
            if (document := _decode_at(text, match.end())) is not None:
                documents.append(document)
    return documents


def json_documents(texts: Iterable[str]) -> list[object]:
    """The texts that parse as JSON (loaded answers), parsed; the others are left out."""
    documents: list[object] = []
    for text in texts:
        if len(text) <= MAX_DOCUMENT_CHARS and (document := _loads(text)) is not None:
            documents.append(document)
    return documents


def json_posts(
    documents: Iterable[object], *, base_url: str, fetched_at: datetime, links: Iterable[str] = ()
) -> list[Post]:
    """The largest list of dated posts in ``documents``, newest first (empty when none).

    ``links``: the hrefs the rendered page shows; a post the JSON gives no link is given the
    page's link that carries its id (a 抖音 video's ``/video/<aweme_id>``), so the same post
    keeps one key whichever way the page is read.
    """
    hrefs = _links_by_token(urljoin(base_url, href) for href in links)
    # Lists at the same place in their documents are one list: the pages of a feed call
    # (the second page loaded on scroll) add to the first.
    lists: defaultdict[str, list[Post]] = defaultdict(list)
    budget = [MAX_NODES]
    for document in documents:
        for path, array in _arrays(document, path="", depth=0, budget=budget):
            lists[path] += _read_array(array, base_url=base_url, fetched_at=fetched_at, hrefs=hrefs)
    return largest_list(lists.values())


def _loads(text: str) -> object | None:
    try:
        document: object = json.loads(text)
    except ValueError:
        return None
    return document


def _decode_at(text: str, start: int) -> object | None:
    decoder = json.JSONDecoder()
    document: object
    try:
        document, _ = decoder.raw_decode(text, start)
        return document
    except ValueError:
        pass
    # Script objects are not always JSON: ``undefined`` where JSON has null (B站's state).
    tail = re.sub(r"(?<=[:,\[])\s*undefined\b", "null", text[start:])
    try:
        document, _ = decoder.raw_decode(tail)
    except ValueError:
        return None
    return document


_Objects = list[Mapping[str, object]]


def _arrays(
    value: object, *, path: str, depth: int, budget: list[int]
) -> Iterator[tuple[str, _Objects]]:
    """Every array of objects inside ``value`` with its path (depth-first, bounded)."""
    budget[0] -= 1
    if budget[0] < 0 or depth > _MAX_DEPTH:
        return
    if isinstance(value, Mapping):
        for key, child in value.items():
            if isinstance(child, Mapping | list):
                yield from _arrays(child, path=f"{path}.{key}", depth=depth + 1, budget=budget)
    elif isinstance(value, list):
        objects = [v for v in value if isinstance(v, Mapping)]
        if objects:  # one entry counts too: another page of the same call may add more
            yield path, objects
        for child in value:
            if isinstance(child, Mapping | list):
                yield from _arrays(child, path=f"{path}[]", depth=depth + 1, budget=budget)


def _read_array(
    array: list[Mapping[str, object]],
    *,
    base_url: str,
    fetched_at: datetime,
    hrefs: Mapping[str, str],
) -> list[Post]:
    posts: list[Post] = []
    for entry in array:
        # 抖音 and 快手 keep the post under a key of the list entry ({"photo": {...}}).
        fields = dict(_flatten(entry))
        read = _published(fields, fetched_at)
        if read is None:
            continue
        published, shown = read
        url = _first_string(fields, _URL_KEYS, lambda v: v.startswith(("http", "/")))
        ident = _first_string(fields, _ID_KEYS, lambda v: bool(v.strip()), skip=_NOT_ID)
        if url is None and ident is not None:
            url = hrefs.get(ident)
        url = urljoin(base_url, url) if url is not None else None
        title = post_title(_first_string(fields, _TITLE_KEYS, lambda v: not v.startswith("http")))
        key = url or (f"id:{ident}" if ident else None)
        if key is None:
            continue
        posts.append(Post(key=key, url=url, title=title or key, published=published, shown=shown))
    return posts


def _links_by_token(hrefs: Iterable[str]) -> dict[str, str]:
    """The page's links by each path segment and query value they carry (first link wins)."""
    found: dict[str, str] = {}
    for href in hrefs:
        parts = urlsplit(href)
        tokens = [seg for seg in parts.path.split("/") if seg]
        tokens += [value for _, value in parse_qsl(parts.query)]
        for token in tokens:
            found.setdefault(token, href)
    return found


def _flatten(entry: Mapping[str, object]) -> Iterator[tuple[str, object]]:
    """The entry's scalar fields, then those of the objects directly under it (not deeper)."""
    nested: list[Mapping[str, object]] = []
    for key, value in entry.items():
        if isinstance(value, Mapping):
            if not _NOT_ID.search(key):  # an author's or music's fields are not the post's
                nested.append(value)
        elif not isinstance(value, list):
            yield key, value
    for child in nested:
        for key, value in child.items():
            if not isinstance(value, Mapping | list):
                yield key, value


def _published(
    fields: Mapping[str, object], fetched_at: datetime
) -> tuple[datetime, str | None] | None:
    """When the entry was published, and the text it showed when relative (3天前)."""
    for pattern in _TIME_KEYS:
        for key, value in fields.items():
            if not pattern.match(key) or _NOT_TIME.search(key) or isinstance(value, bool):
                continue
            if isinstance(value, int | float):
                text = str(int(value))
            elif isinstance(value, str) and len(value) <= 40:
                text = value
            else:
                continue
            moment = parse_post_time(text, fetched_at=fetched_at)  # None when implausible
            if moment is not None:
                return moment, text.strip() if is_relative_time(text) else None
    return None


def _first_string(
    fields: Mapping[str, object],
    pattern: re.Pattern[str],
    accept: Callable[[str], bool],
    *,
    skip: re.Pattern[str] | None = None,
) -> str | None:
    for key, value in fields.items():
        if not pattern.match(key) or (skip is not None and skip.search(key)):
            continue
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and accept(value):
            return value
    return None
