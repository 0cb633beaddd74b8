"""Candidate lists: containers whose children of one tag each hold a title-like link.

Every title-like link votes for its ancestors: for each (container, child) pair on the way up
(at most ``MAX_DEPTH`` levels, formatting elements not counted) the child is a possible entry of
the container. The candidates
are then ranked by the shape of their links alone (``shape_score``) before any date is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from selectolax.lexbor import LexborNode

from crawler.extract.anchors import Link, read_link

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


def collect_candidates(body: LexborNode, *, base_url: str) -> Candidates:
    """Every (container, entry tag) that holds title links, keyed by (container id, tag)."""
    candidates: Candidates = {}
    above: dict[int, _Above] = {}
    for anchor in body.css("a"):
        link = read_link(anchor, base_url=base_url)
        if link is not None:
            _vote(candidates, anchor, link, above)
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


def _vote(candidates: Candidates, anchor: LexborNode, link: Link, above: dict[int, _Above]) -> None:
    child, child_id, child_tag = anchor, anchor.mem_id, anchor.tag or ""
    parent = _parent_chain(anchor, above)
    depth = 0
    steps = 0
    while parent is not None and depth < MAX_DEPTH and steps < _MAX_STEPS:
        node, node_id, tag, grandparent = parent
        if tag in _STOP_TAGS:
            break
        key = (node_id, child_tag)
        candidate = candidates.get(key)
        if candidate is None:
            candidate = candidates[key] = Candidate(container=node, tag=child_tag)
        found = candidate.links.get(child_id)
        if found is None:
            candidate.entries[child_id] = child
            found = candidate.links[child_id] = []
        found.append((anchor, link))
        # Formatting elements the parser reopened in every later entry (an unclosed
        # <font><b> repeats inside each following <li>) are not levels of the page's layout.
        if tag not in _FORMATTING_TAGS:
            depth += 1
        steps += 1
        child, child_id, child_tag = node, node_id, tag or ""
        parent = grandparent


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
