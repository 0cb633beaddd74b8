"""Finding the main list of a column page by its structure.

Candidates come from ``candidates`` (containers whose children of one tag hold title links).
The best by link shape are read and scored on the number of entries, how title-like their
link texts are, how many links an entry holds (one is best), the share of dated entries, and
where they sit (``regions``: navigation, header, footer, sidebars, 热点/排行/相关 boxes, comment
lists and rows of attachment links are discounted; main content hints count extra). A list
split over several containers (``parts``) is scored and read as one. The best is the page's
list; the year-less dates of its entries get their years from the page (``years``).

With a CSS ``selector`` the selected elements are the entries, no scoring involved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from selectolax.lexbor import LexborNode

from crawler.extract.anchors import ReadAnchor
from crawler.extract.candidates import (
    TITLE_CHARS_FULL,
    Candidate,
    Candidates,
    collect_candidates,
    shape_score,
)
from crawler.extract.items import Entry, read_entry
from crawler.extract.listitems import place_entries, to_items
from crawler.extract.parts import list_parts
from crawler.extract.regions import (
    ATTACHMENT_FACTOR,
    heading_factor,
    in_side_box,
    is_attachment_rows,
    region_factor,
)
from crawler.extract.text import collapse
from rules.model import Item

MIN_ENTRIES = 3
_MIN_SCORE = 1.0
_MAX_LINKS_PER_ENTRY = 3.0  # entries holding more links are layout blocks, not list entries
_UNDATED_MIN_TITLE_CHARS = 8  # undated entries this short on average are a menu, not a list
_SHORTLIST = 8  # candidates (with the parts of their lists) whose dates are read
_HOMEPAGE_SHORTLIST = 40  # a homepage has many blocks
_DATED_SHARE_GAP = 0.5  # a part dated this much more or less than the list is another list
_DATE_HEADER = re.compile(r"发布(?:日期|时间)|日期|时间")

_Read = list[tuple[LexborNode, Entry]]


@dataclass(slots=True, kw_only=True)
class FoundList:
    """The page's list: its entries in page order, its score and the elements it covers."""

    items: tuple[Item, ...]
    score: float
    containers: tuple[LexborNode, ...]
    title_chars: int
    entries: tuple[LexborNode, ...] = ()  # the entries' elements (not the page's prose)
    # A sidebar, a 相关/推荐/热点 box, comments or attachment rows, the best list only for want
    # of another: on a page with article signs it is the article's box, not a list.
    side_box: bool = False
    framed: bool = False  # in the page's frame or a side region (a discounted place)


@dataclass(slots=True)
class _Group:
    score: float
    parts: list[tuple[Candidate, _Read]]
    side_box: bool
    framed: bool


def find_list(
    body: LexborNode,
    *,
    base_url: str,
    today: date,
    prefix: str = "",
    anchors: list[ReadAnchor] | None = None,
) -> FoundList | None:
    """The main list under ``body``, or None when no container looks like one; ``anchors``:
    the anchors under ``body`` already read."""
    candidates = collect_candidates(body, base_url=base_url, anchors=anchors)
    groups = _scored_groups(candidates, base_url=base_url, today=today)
    if not groups:
        return None
    # A side box (相关/推荐/热点, a sidebar, attachment rows) is the list only for want of another.
    own = [group for group in groups if not group.side_box]
    best = max(own or groups, key=lambda group: group.score)
    read = [pair for _, part_read in best.parts for pair in part_read]
    return FoundList(
        items=to_items(place_entries(read, today=today), today=today, prefix=prefix),
        score=best.score,
        containers=tuple(candidate.container for candidate, _ in best.parts),
        title_chars=sum(len(entry.title) for _, entry in read),
        entries=tuple(element for element, _ in read),
        side_box=best.side_box,
        framed=best.framed,
    )


def find_lists(
    body: LexborNode,
    *,
    base_url: str,
    today: date,
    prefix: str = "",
    anchors: list[ReadAnchor] | None = None,
) -> list[FoundList]:
    """Every container under ``body`` that looks like a list, best first.

    For a homepage, where information is updated in many blocks (要闻, 通知公告, 部门动态 …)
    and no single one is "the" list.
    """
    candidates = collect_candidates(body, base_url=base_url, anchors=anchors)
    ranked = _ranked(candidates)[:_HOMEPAGE_SHORTLIST]
    scored: list[tuple[float, Candidate, _Read]] = []
    for candidate in ranked:
        place = _place(candidate)
        if place is None:
            continue
        read = _read_entries(candidate, base_url=base_url, today=today)
        score = _score(candidate, read, place)
        if score >= _MIN_SCORE:
            scored.append((score, candidate, read))
    return [
        FoundList(
            items=to_items(place_entries(read, today=today), today=today, prefix=prefix),
            score=score,
            containers=(candidate.container,),
            title_chars=sum(len(entry.title) for _, entry in read),
            entries=tuple(element for element, _ in read),
        )
        for score, candidate, read in sorted(scored, key=lambda entry: -entry[0])
    ]


def select_list(
    root: LexborNode, selector: str, *, base_url: str, today: date, prefix: str = ""
) -> FoundList | None:
    """The entries selected by ``selector``; None when it selects nothing usable."""
    try:
        elements = root.css(selector)
    except Exception:  # selectolax raises several types on a bad selector
        return None
    stop_at = frozenset(element.mem_id for element in elements)
    read: _Read = []
    for element in elements:
        entry = read_entry(element, base_url=base_url, today=today, stop_at=stop_at)
        if entry is not None:
            read.append((element, entry))
    if not read:
        return None
    return FoundList(
        items=to_items(place_entries(read, today=today), today=today, prefix=prefix),
        score=float(len(read)),
        containers=tuple(element for element, _ in read),
        title_chars=sum(len(entry.title) for _, entry in read),
        entries=tuple(element for element, _ in read),
    )


def _ranked(candidates: Candidates) -> list[Candidate]:
    return sorted(
        (c for c in candidates.values() if len(c.entries) >= 2), key=shape_score, reverse=True
    )


def _scored_groups(candidates: Candidates, *, base_url: str, today: date) -> list[_Group]:
    """The shortlisted candidates (by link shape) that score as lists, each with the other
    parts of its list."""
    covered: set[tuple[int, str]] = set()
    groups: list[_Group] = []
    tried = 0
    for candidate in _ranked(candidates):
        if tried >= _SHORTLIST:
            break
        if (candidate.container.mem_id, candidate.tag) in covered:
            continue
        tried += 1
        place = _place(candidate)
        if place is None:
            continue
        read = _read_entries(candidate, base_url=base_url, today=today)
        score = _score(candidate, read, place)
        if score < _MIN_SCORE:
            continue
        parts = _parts(candidate, read, candidates, base_url=base_url, today=today)
        covered.update((part.container.mem_id, part.tag) for part, _ in parts)
        entries = sum(len(part_read) for _, part_read in parts)
        urls = [entry.url for _, part_read in parts for _, entry in part_read]
        side_box = (
            in_side_box(candidate.container)
            or heading_factor(candidate.container) < 1.0
            or is_attachment_rows(urls)
        )
        framed = region_factor(candidate.container) < 1.0
        groups.append(_Group(score * entries / len(read), parts, side_box, framed))
    return groups


def _parts(
    best: Candidate, read: _Read, candidates: Candidates, *, base_url: str, today: date
) -> list[tuple[Candidate, _Read]]:
    """The parts of the best candidate's list, in page order, that look like it."""
    share = _dated_share(read)
    heading = heading_factor(best.container)
    out: list[tuple[Candidate, _Read]] = []
    for part in list_parts(best, candidates):
        if part is best:
            out.append((best, read))
            continue
        if _links_per_entry(part) > _MAX_LINKS_PER_ENTRY:
            continue  # (below, whatever its entries' dates)
        part_read = _read_entries(part, base_url=base_url, today=today)
        if not part_read or abs(_dated_share(part_read) - share) > _DATED_SHARE_GAP:
            continue
        links = sum(len(part.links[element.mem_id]) for element, _ in part_read)
        if (
            links / len(part_read) > _MAX_LINKS_PER_ENTRY
            or heading_factor(part.container) < heading
        ):
            continue
        out.append((part, part_read))
    return out


def _links_per_entry(candidate: Candidate) -> float:
    """The links an entry holds, on average: known before the entries are read, as every
    entry of a candidate is read (each holds a title link), and ``_score`` counts these."""
    return sum(len(found) for found in candidate.links.values()) / len(candidate.entries)


def _place(candidate: Candidate) -> tuple[float, float] | None:
    """The candidate's region and heading factors; None when no reading of its entries can
    make it score ``_MIN_SCORE`` (so they are not read).

    ``_score`` of any reading is at most this bound, computed in its order: every entry is
    read, an entry's title is at most its longest link's, at most every entry is dated, the
    attachment factor only lowers it (IEEE operations are monotonic)."""
    count = len(candidate.entries)
    per_entry = _links_per_entry(candidate)
    if per_entry > _MAX_LINKS_PER_ENTRY:
        return None  # a layout block (several menus): it scores 0 whatever its dates
    region = region_factor(candidate.container)
    heading = heading_factor(candidate.container)
    if region < 1.0 and heading < 1.0:
        return None
    longest = sum(max(len(link.title) for _, link in found) for found in candidate.links.values())
    bound = count * min(longest / count / TITLE_CHARS_FULL, 2.0) / max(1.0, per_entry - 0.5)
    bound *= 3.0
    return (region, heading) if bound * region * heading >= _MIN_SCORE else None


def _dated_share(read: _Read) -> float:
    return sum(1 for _, entry in read if entry.date_hit is not None) / len(read) if read else 0.0


def _read_entries(candidate: Candidate, *, base_url: str, today: date) -> _Read:
    date_column = _date_column(candidate)
    stop_at = frozenset(candidate.entries)
    read: _Read = []
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


def _date_column(candidate: Candidate) -> int | None:
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


def _header_row(candidate: Candidate) -> LexborNode | None:
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


def _score(candidate: Candidate, read: _Read, place: tuple[float, float] | None = None) -> float:
    """The candidate's score on its entries as read; ``place``: its region and heading factors
    when already known (``_place``)."""
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
    if place is None:
        place = region_factor(candidate.container), heading_factor(candidate.container)
    region, heading = place
    if region < 1.0 and heading < 1.0:
        return 0.0  # a titled side box (热点推荐 in a sidebar): never the main list
    score = count * min(mean_title / TITLE_CHARS_FULL, 2.0) / max(1.0, per_entry - 0.5)
    score *= 1.0 + 2.0 * dated / count
    if is_attachment_rows([entry.url for _, entry in read]):
        score *= ATTACHMENT_FACTOR
    return score * region * heading
