"""A list split over several containers, read as one list.

CMS templates split a column's list in many ways: ``<ul>`` after ``<ul>`` under one parent
(a rule between every five entries), or the same wrapper repeated (8 × ``div.group > ul`` of 5
entries each). The parts are the containers reached from the best candidate's parent (or
grandparent, or great-grandparent) by the same path of tags and classes, holding entries of
the same tag. Whether each part looks like the rest of the list is judged by the caller, on
its entries.
"""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from crawler.extract.candidates import Candidate, Candidates

_LEVELS = 2  # wrappers up to this many levels above the container are followed


def list_parts(best: Candidate, candidates: Candidates) -> list[Candidate]:
    """The best candidate and, in page order, the candidates of the same kind beside it."""
    parts = _parts_at(best, candidates, level=0)
    for level in range(1, _LEVELS + 1):
        wider = _parts_at(best, candidates, level=level)
        if len(wider) > len(parts):
            parts = wider
    return parts


def _kind(node: LexborNode) -> tuple[str | None, str | None]:
    return node.tag, node.attributes.get("class")


def _parts_at(best: Candidate, candidates: Candidates, *, level: int) -> list[Candidate]:
    chain = [best.container]
    for _ in range(level):
        parent = chain[-1].parent
        if parent is None:
            return [best]
        chain.append(parent)
    top = chain[-1]
    root = top.parent
    if root is None or (level > 0 and root.tag in ("body", "html")):
        return [best]
    path = [_kind(node) for node in reversed(chain[:-1])]  # from below ``top`` down to the list
    out: list[Candidate] = []
    for sibling in root.iter():
        if _kind(sibling) != _kind(top):
            continue
        nodes = [sibling]
        for step in path:
            nodes = [child for node in nodes for child in node.iter() if _kind(child) == step]
        for node in nodes:
            if node.mem_id == best.container.mem_id:
                out.append(best)
                continue
            found = candidates.get((node.mem_id, best.tag))
            if found is not None:
                out.append(found)
    return out if out else [best]
