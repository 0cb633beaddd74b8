"""Candidate lists: containers whose children of one tag each hold a title-like link.

Every title-like link votes for its ancestors: for each (container, child) pair on the way up
(at most ``MAX_DEPTH`` levels, formatting elements not counted) the child is a possible entry of
the container. The candidates
are then ranked by the shape of their links alone (``shape_score``) before any date is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from selectolax.lexbor import LexborNode

from crawler.extract.anchors import Link, ReadAnchor, link_of, read_anchors

MAX_DEPTH = 6
TITLE_CHARS_FULL = 15  # a mean title this long counts fully
_STOP_TAGS = frozenset({"body", "html", "head", "form"})
# The formatting elements HTML parsers reopen after an unclosed one (the "active formatting
# elements" of the HTML standard): they do not count towards ``MAX_DEPTH``.
_FORMATTING_TAGS = frozenset(
    {
        "a",
        "b",
        "big",
        "code",
        "em",
        "font",
        "i",
        "nobr",
        "s",
        "small",
        "strike",
        "strong",
        "tt",
        "u",
    }
)
_MAX_STEPS = MAX_DEPTH + 12  # all the same, a link climbs at most this many elements


@dataclass(slots=True, kw_only=True)
class Candidate:
    """A container and its possible entries (children of one tag holding title links)."""

    container: LexborNode
    tag: str
    entries: dict[int, LexborNode] = field(default_factory=dict)
    links: dict[int, list[tuple[LexborNode, Link]]] = field(default_factory=dict)


Candidates = dict[tuple[int, str], Candidate]


def collect_candidates(
    body: LexborNode, *, base_url: str, anchors: list[ReadAnchor] | None = None
) -> Candidates:
    """Every (container, entry tag) that holds title links, keyed by (container id, tag);
    ``anchors``: the anchors under ``body`` already read (``read_anchors``)."""
    candidates: Candidates = {}
    above: dict[int, _Above] = {}
    climbs: dict[tuple[int, int, int], list[_Links]] = {}
    for anchor, attributes, text in read_anchors(body) if anchors is None else anchors:
        link = link_of(attributes, text, base_url=base_url)
        if link is not None:
            _vote(candidates, anchor, link, above, climbs)
    return candidates


def shape_score(candidate: Candidate) -> float:
    """A first score from the links alone: many entries, one link each, title-like texts."""
    count = len(candidate.entries)
    links = sum(len(found) for found in candidate.links.values())
    titles = [max(len(link.title) for _, link in found) for found in candidate.links.values()]
    mean_title = sum(titles) / count
    per_entry = links / count
    return count * min(mean_title / TITLE_CHARS_FULL, 2.0) / max(1.0, per_entry - 0.5)


# An element and the chain of its ancestors: (element, its mem_id, its tag, its parent's chain).
# Links of one list share their ancestors: each is read from the tree once, not once a link.
_Above = tuple[LexborNode, int, "str | None", "_Above | None"]
_Links = list[tuple[LexborNode, Link]]  # the links of one entry of one candidate


def _vote(
    candidates: Candidates,
    anchor: LexborNode,
    link: Link,
    above: dict[int, _Above],
    climbs: dict[tuple[int, int, int], list[_Links]],
) -> None:
    """The link is a possible entry of its parent and, through each ancestor on the way up,
    of the container above that ancestor."""
    parent = _parent_chain(anchor, above)
    if parent is None or parent[2] in _STOP_TAGS:
        return
    pair = (anchor, link)
    _entry_links(candidates, parent, anchor, anchor.mem_id, anchor.tag or "").append(pair)
    # Formatting elements the parser reopened in every later entry (an unclosed <font><b>
    # repeats inside each following <li>) are not levels of the page's layout.
    depth = 0 if parent[2] in _FORMATTING_TAGS else 1
    for links in _climb(candidates, parent, depth, 1, climbs):
        links.append(pair)


def _climb(
    candidates: Candidates,
    child: _Above,
    depth: int,
    steps: int,
    climbs: dict[tuple[int, int, int], list[_Links]],
) -> list[_Links]:
    """The entries (their link lists) a link votes for from ``child`` up, ``depth`` levels
    and ``steps`` elements above the link: the same for all the links of a list, so found
    once (``climbs``) and then only followed. Made in the order the way up meets them (which
    orders the candidates)."""
    key = (child[1], depth, steps)
    known = climbs.get(key)
    if known is not None:
        return known
    parent = child[3]
    out: list[_Links] = []
    if (
        parent is not None
        and depth < MAX_DEPTH
        and steps < _MAX_STEPS
        and parent[2] not in _STOP_TAGS
    ):
        out.append(_entry_links(candidates, parent, child[0], child[1], child[2] or ""))
        deeper = depth if parent[2] in _FORMATTING_TAGS else depth + 1
        out.extend(_climb(candidates, parent, deeper, steps + 1, climbs))
    climbs[key] = out
    return out


def _entry_links(
    candidates: Candidates, container: _Above, child: LexborNode, child_id: int, child_tag: str
) -> _Links:
    """The link list of ``child`` as an entry of ``container``, made when first needed."""
    key = (container[1], child_tag)
    candidate = candidates.get(key)
    if candidate is None:
        candidate = candidates[key] = Candidate(container=container[0], tag=child_tag)
    found = candidate.links.get(child_id)
    if found is None:
        candidate.entries[child_id] = child
        found = candidate.links[child_id] = []
    return found


def _parent_chain(node: LexborNode, above: dict[int, _Above]) -> _Above | None:
    """The chain of ``node``'s ancestors, read from the tree up to the first one already known
    (a stop tag ends a chain: nothing above it is asked for)."""
    climbed: list[LexborNode] = []
    known: _Above | None = None
    parent = node.parent
    while parent is not None:
        known = above.get(parent.mem_id)
        if known is not None:
            break
        climbed.append(parent)
        if parent.tag in _STOP_TAGS:
            break
        parent = parent.parent
    for element in reversed(climbed):
        known = above[element.mem_id] = (element, element.mem_id, element.tag, known)
    return known
