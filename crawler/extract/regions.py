"""Where a list sits on its page, and what kind of box it is.

A column page holds its own list among boxes that are not it: navigation, header and footer,
sidebars, 热点/排行/推荐/相关 boxes, comment lists, rows of attachment links. Each is known by
its tag (``nav``, ``aside`` …), its class or id (``side``, ``hot``, ``related``, ``comment`` …),
the heading just before it (相关文章, 热点推荐, 附件 …) or its links (files to download). These
factors scale a candidate list's score; a box that is a side box by both its place and its
heading never is the main list, and one that is a side box by either (or a row of attachments)
is the main list only when the page has no other.
"""

from __future__ import annotations

import re
from functools import lru_cache

from selectolax.lexbor import LexborNode

from crawler.extract.locate import class_and_id
from crawler.extract.text import collapse

REGION_TAGS = {"nav": 0.1, "header": 0.15, "footer": 0.05, "aside": 0.3}
# (pattern, score factor, whether it marks a side box beside the column's list rather than the
# page's frame: navigation, header, footer, pagination)
_REGION_HINTS = (
    (re.compile(r"foot|bottom|copyright|banquan|bqxx"), 0.05, False),
    (re.compile(r"nav|menu|daohang|\bdh\b|crumb|position|location|mianbao"), 0.15, False),
    (re.compile(r"header|\bhead\b|\btop\b|topbar|banner|logo"), 0.2, False),
    (
        re.compile(r"\bhot|\brank|paihang|phb|tuijian|recommend|related|xgwz|friend|yqlj|links"),
        0.3,
        True,
    ),
    (re.compile(r"comment|pinglun|\breply"), 0.3, True),
    (re.compile(r"side|\baside\b|widget"), 0.4, True),
    (re.compile(r"fenye|pagination|pager|pagebar|page-?nav|\bpages\b"), 0.3, False),
)
_MAIN_HINTS = re.compile(r"list|news|content|main|article|xxgk|\bcon\b|\blb\b|liebiao|column|lanmu")
_BOX_WORDS = re.compile(r"热点|热门|排行|推荐|相关|友情链接|评论|附件")
_BOX_HEADING_CHARS = 20
_BOX_HEADING_FACTOR = 0.3
_FILE_EXTENSIONS = tuple(
    ".pdf .doc .docx .xls .xlsx .wps .et .ppt .pptx .zip .rar .7z .ofd .txt .csv".split()
)
_ATTACHMENT_SHARE = 0.8  # entries linking files this often make a row of attachments
ATTACHMENT_FACTOR = 0.5
HINTS_KEPT = 8192


def region_factor(container: LexborNode) -> float:
    """The discount of where the container sits (navigation, footer, sidebars…), or a bonus
    for main-content hints; the box heading is judged apart, by ``heading_factor``."""
    factor = 1.0
    main_seen = False
    node: LexborNode | None = container
    while node is not None and node.tag not in ("body", "html"):
        factor *= REGION_TAGS.get(node.tag or "", 1.0)
        hints = class_and_id(node)
        if hints.strip():
            penalty = _hint_penalty(hints)
            if penalty is not None:
                factor *= penalty
            elif not main_seen and _main_hint(hints):
                factor *= 1.3
                main_seen = True
        node = node.parent
    return factor


def in_side_box(container: LexborNode) -> bool:
    """The container sits in a sidebar, a 热点/推荐/相关 box or a comment list (by the tag or
    the class or id of itself or an ancestor)."""
    node: LexborNode | None = container
    while node is not None and node.tag not in ("body", "html"):
        if node.tag == "aside":
            return True
        hints = class_and_id(node)
        if hints.strip():
            found = _hint(hints)
            if found is not None and found[1]:
                return True
        node = node.parent
    return False


def own_discount(node: LexborNode) -> float:
    """The discount of the node's own tag and class alone (a side box among content blocks)."""
    factor = REGION_TAGS.get(node.tag or "", 1.0)
    penalty = _hint_penalty(class_and_id(node))
    return factor * (penalty if penalty is not None else 1.0)


def heading_factor(container: LexborNode) -> float:
    """Discount a box titled 热点, 排行, 推荐, 相关, 评论, 附件… (its heading just before it)."""
    text = box_heading(container)
    return _BOX_HEADING_FACTOR if text is not None and _BOX_WORDS.search(text) else 1.0


def box_heading(container: LexborNode) -> str | None:
    """The short text just before the container (or before its parent), if there is one."""
    heading = _element_before(container)
    if heading is None:
        parent = container.parent
        heading = _element_before(parent) if parent is not None else None
    if heading is None:
        return None
    text = collapse(heading.text())
    return text if len(text) <= _BOX_HEADING_CHARS else None


def is_box_heading(text: str) -> bool:
    return len(text) <= _BOX_HEADING_CHARS and _BOX_WORDS.search(text) is not None


def attachment_share(urls: list[str]) -> float:
    """The share of the URLs that lead to files (pdf, doc, xls, zip …), not pages."""
    if not urls:
        return 0.0
    files = sum(1 for url in urls if _path_of(url).endswith(_FILE_EXTENSIONS))
    return files / len(urls)


def _path_of(url: str) -> str:
    return url.split("#", 1)[0].split("?", 1)[0].lower()


def is_attachment_rows(urls: list[str]) -> bool:
    return attachment_share(urls) >= _ATTACHMENT_SHARE


def _hint_penalty(hints: str) -> float | None:
    found = _hint(hints)
    return found[0] if found is not None else None


# Each candidate list asks about all its ancestors, and the candidates of a page share most of
# them (as the pages of a site share their class names): the answers per name are kept.
@lru_cache(maxsize=HINTS_KEPT)
def _main_hint(hints: str) -> bool:
    return _MAIN_HINTS.search(hints) is not None


@lru_cache(maxsize=HINTS_KEPT)
def _hint(hints: str) -> tuple[float, bool] | None:
    """The penalty of the first layout hint found, and whether it is a side box's."""
    if not hints.strip():
        return None
    for pattern, penalty, box in _REGION_HINTS:
        if pattern.search(hints):
            return penalty, box
    return None


def _element_before(node: LexborNode) -> LexborNode | None:
    sibling = node.prev
    while sibling is not None and not sibling.is_element_node:
        sibling = sibling.prev
    return sibling
