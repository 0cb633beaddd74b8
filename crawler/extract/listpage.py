"""Finding the main list of a column page by its structure.

Every title-like link votes for its ancestors: for each (container, child) pair on the way up
(at most ``_MAX_DEPTH`` levels) the child is a possible entry of the container. A container
whose children of one tag hold links in at least ``MIN_ENTRIES`` of them is a candidate. Each
candidate is scored on the number of entries, how title-like their link texts are, how many
links an entry holds (one is best), the share of dated entries, and where it sits (navigation,
header, footer, sidebars and 热点/排行 boxes are discounted; main content hints count extra).
The best candidate, together with sibling containers of the same kind (a list split into
several ``<ul>``), is the page's list.

With a CSS ``selector`` the selected elements are the entries, no scoring involved.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from selectolax.lexbor import LexborNode

from crawler.extract.anchors import Link, read_link
from crawler.extract.items import Entry, read_entry
from crawler.extract.locate import class_and_id, describe, position
from crawler.extract.text import collapse
from rules.model import Item

MIN_ENTRIES = 3
_MIN_SCORE = 1.0
_MAX_LINKS_PER_ENTRY = 3.0  # entries holding more links are layout blocks, not list entries
_UNDATED_MIN_TITLE_CHARS = 8  # undated entries this short on average are a menu, not a list
_MAX_DEPTH = 6
_SHORTLIST = 8  # candidates whose dates are read
_HOMEPAGE_SHORTLIST = 40  # a homepage has many blocks
_STOP_TAGS = frozenset({"body", "html", "head", "form"})
_TITLE_CHARS_FULL = 15  # a mean title this long counts fully
_REGION_TAGS = {"nav": 0.1, "header": 0.15, "footer": 0.05, "aside": 0.3}
_REGION_HINTS = (
    (re.compile(r"foot|bottom|copyright|banquan|bqxx"), 0.05),
    (re.compile(r"nav|menu|daohang|\bdh\b|crumb|position|location|mianbao"), 0.15),
    (re.compile(r"header|\bhead\b|\btop\b|topbar|banner|logo"), 0.2),
    (re.compile(r"\bhot|\brank|paihang|phb|tuijian|recommend|related|xgwz|friend|yqlj|links"), 0.3),
    (re.compile(r"side|\baside\b|widget"), 0.4),
    (re.compile(r"fenye|pagination|pager|pagebar|page-?nav|\bpages\b"), 0.3),
)
_MAIN_HINTS = re.compile(r"list|news|content|main|article|xxgk|\bcon\b|\blb\b|liebiao|column|lanmu")
_BOX_WORDS = re.compile(r"热点|热门|排行|推荐|相关|友情链接")
_DATE_HEADER = re.compile(r"发布(?:日期|时间)|日期|时间")


@dataclass(slots=True, kw_only=True)
class _Candidate:
    container: LexborNode
    tag: str
    entries: dict[int, LexborNode] = field(default_factory=dict)
    links: dict[int, list[tuple[LexborNode, Link]]] = field(default_factory=dict)


@dataclass(slots=True, kw_only=True)
class FoundList:
    """The page's list: its entries in page order, its score and the elements it covers."""

    items: tuple[Item, ...]
    score: float
    containers: tuple[LexborNode, ...]
    title_chars: int


def find_list(
    body: LexborNode, *, base_url: str, today: date, prefix: str = ""
) -> FoundList | None:
    """The main list under ``body``, or None when no container looks like one."""
    candidates = _candidates(body, base_url=base_url)
    scored = _scored(candidates, base_url=base_url, today=today, shortlist=_SHORTLIST)
    if not scored:
        return None
    score, candidate, best_read = max(scored, key=lambda entry: entry[0])
    parts = _same_kind_siblings(candidate, candidates)
    read: list[tuple[LexborNode, Entry]] = []
    for part in parts:
        if part is candidate:
            read.extend(best_read)
        else:
            read.extend(_read_entries(part, base_url=base_url, today=today))
    containers = [part.container for part in parts]
    return FoundList(
        items=_to_items(read, today=today, prefix=prefix),
        score=score,
        containers=tuple(containers),
        title_chars=sum(len(entry.title) for _, entry in read),
    )


def find_lists(
    body: LexborNode, *, base_url: str, today: date, prefix: str = ""
) -> list[FoundList]:
    """Every container under ``body`` that looks like a list, best first.

    For a homepage, where information is updated in many blocks (要闻, 通知公告, 部门动态 …)
    and no single one is "the" list.
    """
    candidates = _candidates(body, base_url=base_url)
    scored = _scored(candidates, base_url=base_url, today=today, shortlist=_HOMEPAGE_SHORTLIST)
    return [
        FoundList(
            items=_to_items(read, today=today, prefix=prefix),
            score=score,
            containers=(candidate.container,),
            title_chars=sum(len(entry.title) for _, entry in read),
        )
        for score, candidate, read in sorted(scored, key=lambda entry: -entry[0])
    ]


_Scored = tuple[float, "_Candidate", list[tuple[LexborNode, Entry]]]


def _candidates(body: LexborNode, *, base_url: str) -> dict[tuple[int, str], _Candidate]:
    candidates: dict[tuple[int, str], _Candidate] = {}
    for anchor in body.css("a"):
        link = read_link(anchor, base_url=base_url)
        if link is not None:
            _vote(candidates, anchor, link)
    return candidates


def _scored(
    candidates: dict[tuple[int, str], _Candidate], *, base_url: str, today: date, shortlist: int
) -> list[_Scored]:
    """The shortlisted candidates (by link shape) that score as lists, with their entries."""
    ranked = sorted(
        (c for c in candidates.values() if len(c.entries) >= 2),
        key=_shape_score,
        reverse=True,
    )[:shortlist]
    scored: list[_Scored] = []
    for candidate in ranked:
        entries = _read_entries(candidate, base_url=base_url, today=today)
        score = _score(candidate, entries)
        if score >= _MIN_SCORE:
            scored.append((score, candidate, entries))
    return scored


def select_list(
    root: LexborNode, selector: str, *, base_url: str, today: date, prefix: str = ""
) -> FoundList | None:
    """The entries selected by ``selector``; None when it selects nothing usable."""
    try:
        elements = root.css(selector)
    except Exception:  # selectolax raises several types on a bad selector
        return None
    stop_at = frozenset(element.mem_id for element in elements)
    read: list[tuple[LexborNode, Entry]] = []
    for element in elements:
        entry = read_entry(element, base_url=base_url, today=today, stop_at=stop_at)
        if entry is not None:
            read.append((element, entry))
    if not read:
        return None
    return FoundList(
        items=_to_items(read, today=today, prefix=prefix),
        score=float(len(read)),
        containers=tuple(element for element, _ in read),
        title_chars=sum(len(entry.title) for _, entry in read),
    )


def _vote(candidates: dict[tuple[int, str], _Candidate], anchor: LexborNode, link: Link) -> None:
    child = anchor
    parent = anchor.parent
    depth = 0
    while parent is not None and depth < _MAX_DEPTH and parent.tag not in _STOP_TAGS:
        tag = child.tag or ""
        key = (parent.mem_id, tag)
        candidate = candidates.get(key)
        if candidate is None:
            candidate = candidates[key] = _Candidate(container=parent, tag=tag)
        child_id = child.mem_id
        if child_id not in candidate.entries:
            candidate.entries[child_id] = child
            candidate.links[child_id] = []
        candidate.links[child_id].append((anchor, link))
        child = parent
        parent = parent.parent
        depth += 1


def _shape_score(candidate: _Candidate) -> float:
    """A first score from the links alone: many entries, one link each, title-like texts."""
    count = len(candidate.entries)
    links = sum(len(found) for found in candidate.links.values())
    titles = [max(len(link.title) for _, link in found) for found in candidate.links.values()]
    mean_title = sum(titles) / count
    per_entry = links / count
    return count * min(mean_title / _TITLE_CHARS_FULL, 2.0) / max(1.0, per_entry - 0.5)


def _read_entries(
    candidate: _Candidate, *, base_url: str, today: date
) -> list[tuple[LexborNode, Entry]]:
    date_column = _date_column(candidate)
    stop_at = frozenset(candidate.entries)
    read: list[tuple[LexborNode, Entry]] = []
    for entry_id, element in candidate.entries.items():
        entry = read_entry(
            element,
            base_url=base_url,
            today=today,
            links=candidate.links[entry_id],
            date_column=date_column,
            stop_at=stop_at,
        )
        if entry is not None:
            read.append((element, entry))
    return read


def _date_column(candidate: _Candidate) -> int | None:
    """The 1-based cell whose header says 发布日期 (or the only 日期 header): in a table, its
    first row; in a list of rows (``li > span`` cells), a header row without links that opens
    the list or stands just before it (``ul.thead`` before ``ul.tbody``)."""
    header = _header_row(candidate)
    if header is None:
        return None
    labelled = [
        (index, text)
        for index, cell in enumerate(_cells(header), start=1)
        if len(text := collapse(cell.text())) <= 8 and _DATE_HEADER.search(text)
    ]
    for index, text in labelled:
        if "发布" in text:
            return index
    return labelled[0][0] if len(labelled) == 1 else None


def _header_row(candidate: _Candidate) -> LexborNode | None:
    if candidate.tag == "tr":
        table: LexborNode | None = candidate.container
        while table is not None and table.tag != "table":
            table = table.parent
        return table.css_first("tr") if table is not None else None
    first = _element_child(candidate.container)
    if first is not None and first.mem_id not in candidate.entries and first.tag == candidate.tag:
        return first if first.css_first("a") is None else None
    before = _element_before(candidate.container)
    if before is None or before.tag != candidate.container.tag or before.css_first("a") is not None:
        return None
    row = _element_child(before)
    return row if row is not None and row.tag == candidate.tag else None


def _cells(row: LexborNode) -> list[LexborNode]:
    return [cell for cell in row.iter() if cell.is_element_node]


def _element_child(node: LexborNode) -> LexborNode | None:
    child = node.child
    while child is not None and not child.is_element_node:
        child = child.next
    return child


def _element_before(node: LexborNode) -> LexborNode | None:
    sibling = node.prev
    while sibling is not None and not sibling.is_element_node:
        sibling = sibling.prev
    return sibling


def _score(candidate: _Candidate, read: list[tuple[LexborNode, Entry]]) -> float:
    count = len(read)
    if count == 0:
        return 0.0
    dated = sum(1 for _, entry in read if entry.date_hit is not None)
    if count < MIN_ENTRIES and dated < count:
        return 0.0
    mean_title = sum(len(entry.title) for _, entry in read) / count
    if dated == 0 and mean_title < _UNDATED_MIN_TITLE_CHARS:
        return 0.0
    links = sum(len(candidate.links[element.mem_id]) for element, _ in read)
    per_entry = links / count
    if per_entry > _MAX_LINKS_PER_ENTRY:
        return 0.0
    region = _region_factor(candidate.container)
    heading = _heading_factor(candidate.container)
    if region < 1.0 and heading < 1.0:
        return 0.0  # a titled side box (热点推荐 in a sidebar): never the main list
    score = count * min(mean_title / _TITLE_CHARS_FULL, 2.0) / max(1.0, per_entry - 0.5)
    score *= 1.0 + 2.0 * dated / count
    return score * region * heading


def _region_factor(container: LexborNode) -> float:
    """The discount of where the container sits (navigation, footer, sidebars…), or a bonus
    for main-content hints; the box heading is judged apart, by ``_heading_factor``."""
    factor = 1.0
    main_seen = False
    node: LexborNode | None = container
    while node is not None and node.tag not in ("body", "html"):
        factor *= _REGION_TAGS.get(node.tag or "", 1.0)
        hints = class_and_id(node)
        if hints.strip():
            for pattern, penalty in _REGION_HINTS:
                if pattern.search(hints):
                    factor *= penalty
                    break
            else:
                if not main_seen and _MAIN_HINTS.search(hints):
                    factor *= 1.3
                    main_seen = True
        node = node.parent
    return factor


def _heading_factor(container: LexborNode) -> float:
    """Discount a box titled 热点, 排行, 推荐, 相关… (its heading just before the list)."""
    heading = container.prev
    while heading is not None and not heading.is_element_node:
        heading = heading.prev
    if heading is None:
        parent = container.parent
        heading = parent.prev if parent is not None else None
        while heading is not None and not heading.is_element_node:
            heading = heading.prev
    if heading is None:
        return 1.0
    text = collapse(heading.text())
    return 0.3 if len(text) <= 20 and _BOX_WORDS.search(text) else 1.0


def _same_kind_siblings(
    best: _Candidate, candidates: dict[tuple[int, str], _Candidate]
) -> list[_Candidate]:
    """The best container and, in page order, its siblings of the same tag and class."""
    container = best.container
    parent = container.parent
    if parent is None:
        return [best]
    kind = (container.tag, container.attributes.get("class"))
    out: list[_Candidate] = []
    for sibling in parent.iter():
        if sibling.mem_id == container.mem_id:
            out.append(best)
            continue
        if (sibling.tag, sibling.attributes.get("class")) != kind:
            continue
        found = candidates.get((sibling.mem_id, best.tag))
        if found is not None:
            out.append(found)
    return out


def _to_items(
    read: list[tuple[LexborNode, Entry]], *, today: date, prefix: str
) -> tuple[Item, ...]:
    years = Counter(
        entry.date_hit.match.value.year
        for _, entry in read
        if entry.date_hit is not None and entry.date_hit.match.has_year
    )
    context_year = max(years.items(), key=lambda pair: (pair[1], pair[0]))[0] if years else None
    items: list[Item] = []
    seen: set[tuple[str, str]] = set()
    positions: dict[int, str] = {}
    for element, entry in read:
        if (entry.title, entry.url) in seen:
            continue
        seen.add((entry.title, entry.url))
        published = entry.published(today=today, context_year=context_year)
        where = text = None
        if published is not None and entry.date_hit is not None:
            where = _locator(element, entry.date_hit.where, prefix=prefix, positions=positions)
            text = entry.date_hit.raw
        items.append(
            Item(
                title=entry.title,
                url=entry.url,
                published=published,
                date_where=where,
                date_text=text,
            )
        )
    return tuple(items)


def _locator(element: LexborNode, inner: str, *, prefix: str, positions: dict[int, str]) -> str:
    parent = element.parent
    here = _position(element, positions)
    if element.tag == "tr":
        table = parent
        while table is not None and table.tag != "table":
            table = table.parent
        outer = f"{describe(table or parent or element)} {here}"
        return f"{prefix}{outer} {inner}" if inner else f"{prefix}{outer}"
    parts = [describe(parent)] if parent is not None else []
    if inner.startswith("+ "):
        parts.append(f"{here} {inner}")
    else:
        parts.append(here)
        if inner:
            parts.append(inner)
    return prefix + " > ".join(parts)


def _position(element: LexborNode, positions: dict[int, str]) -> str:
    """``position(element)``, counting each parent's children once for the whole list."""
    found = positions.get(element.mem_id)
    if found is not None:
        return found
    parent = element.parent
    if parent is None:
        return position(element)
    counts: Counter[str] = Counter()
    for child in parent.iter():
        tag = child.tag or "?"
        counts[tag] += 1
        positions[child.mem_id] = f"{tag}[{counts[tag]}]"
    return positions.get(element.mem_id) or position(element)
