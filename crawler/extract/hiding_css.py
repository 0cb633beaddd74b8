"""The CSS that hides an element, and the attributes that act like it: the page's
``<style>`` rules matched against an element and its ancestors, inline declarations, lengths
in pixels, colours, and the reasons (weak or strong) an element's own style and attributes
give for not being seen (``crawler.extract.hidden_links`` walks the page with them).

The stylesheet is read only for simple selectors ending in a class or id (``.x``, ``#x``,
``div.x``, ``#nav li .sub``; ``>`` read as a descendant), outside ``@media``, in blocks up to
100 KB; a rule whose class or id also appears in a selector with a pseudo-class or a second
class (``.sub:hover``, ``.sub.on``) is something the page reveals: its hiding counts as weak,
as do ``opacity`` and zero size set by a rule (transitions). No external CSS is fetched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

OFF_SCREEN_PX = -500.0  # left/top at or beyond this, with position absolute or fixed
TEXT_INDENT_PX = -999.0
TINY_PX = 1.0  # font-size at or below this
THIN_PX = 2.0  # width or height at or below this, with overflow hidden
MARQUEE_FAST = 500  # scrollamount at or above this
MAX_STYLE_CHARS = 100_000  # a <style> block longer than this is a framework, not read

_STYLE_PROPERTIES = frozenset(
    {
        "display", "visibility", "opacity", "position", "left", "top", "text-indent", "width",
        "height", "overflow", "font-size", "color", "background", "background-color",
        "background-image",
    }
)  # fmt: skip
_INLINE_TAGS = frozenset({"a", "span", "font", "b", "strong", "em", "i", "u", "small"})
_NAMED_COLOURS = {
    "white": "#ffffff", "black": "#000000", "red": "#ff0000", "green": "#008000",
    "blue": "#0000ff", "yellow": "#ffff00", "gray": "#808080", "grey": "#808080",
    "silver": "#c0c0c0", "navy": "#000080", "maroon": "#800000", "orange": "#ffa500",
}  # fmt: skip
_NUMBER = re.compile(r"\d*\.?\d+%?")
_LENGTH = re.compile(r"(-?\d*\.?\d+)(px|pt|em|rem|%)?$")
_RGB = re.compile(r"rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*(?:,\s*([\d.]+)\s*)?\)")
_HEX = re.compile(r"#([0-9a-f]{3}|[0-9a-f]{6})$")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_AT_RULE = re.compile(r"@[^{};]*(?:;|\{(?:[^{}]*\{[^{}]*\})*[^{}]*\})")  # @media {…}, @import;
_CSS_RULE = re.compile(r"(?:^|(?<=[{}]))([^{}]+)\{([^{}]*)\}")  # from a brace: linear
_STATE = re.compile(r":|[.#][-\w]+[.#]")
_NAMES = re.compile(r"[.#]([-\w]+)")
_HIDING_DECLARATION = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)|-\d{3}|overflow\s*:\s*hidden"
    r"|font-size\s*:\s*(?:0|1p|\.)|opacity\s*:\s*[0.]"
)
_COMPOUND = re.compile(r"([a-z][a-z0-9]*)?((?:[.#][-\w]+)*)$", re.I)


class _Styled(Protocol):
    """What of an element its hiding depends on (``hidden_links._Element`` has it)."""

    @property
    def tag(self) -> str: ...
    @property
    def ident(self) -> str: ...
    @property
    def classes(self) -> frozenset[str]: ...
    @property
    def attrs(self) -> Mapping[str, str | None]: ...


@dataclass(frozen=True, slots=True)
class _Reason:
    how: str
    how_text: str
    strong: bool


@dataclass(frozen=True, slots=True)
class _Compound:
    tag: str
    ident: str
    classes: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Rule:
    order: int
    selector: str
    chain: tuple[_Compound, ...]  # outermost first; descendant combinators between
    declarations: tuple[tuple[str, str], ...]
    revealed: bool  # the page also has a :hover / .on state rule for its class or id


class _StyleSheet:
    """The rules of the page's ``<style>`` blocks that set a property hiding depends on."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.rules: dict[str, list[_Rule]] = {}
        revealed: set[str] = set()
        hiding: list[tuple[str, tuple[_Compound, ...], tuple[tuple[str, str], ...]]] = []
        css = _AT_RULE.sub("", _CSS_COMMENT.sub("", "\n".join(texts)))
        if not _HIDING_DECLARATION.search(css.lower()):
            return
        for rule in _CSS_RULE.finditer(css):
            head, body = rule.group(1).rsplit(";", 1)[-1], rule.group(2)
            if _STATE.search(head):  # .sub:hover, .sub.on: what they name, the page reveals
                revealed.update(_NAMES.findall(head))
            elif _HIDING_DECLARATION.search(body.lower()):
                declarations = tuple(_declarations(body).items())
                for selector in head.split(","):
                    chain = _parse_selector(selector)
                    if chain is not None:
                        hiding.append((selector.strip(), chain, declarations))
        for order, (selector, chain, declarations) in enumerate(hiding):
            last = chain[-1]
            key = f"#{last.ident}" if last.ident else f".{min(last.classes)}"
            is_revealed = not revealed.isdisjoint(_NAMES.findall(selector))
            self.rules.setdefault(key, []).append(
                _Rule(order, selector, chain, declarations, is_revealed)
            )

    def matching(self, chain: Sequence[_Styled], i: int) -> list[_Rule]:
        element = chain[i]
        if not self.rules or not (element.classes or element.ident):
            return []
        keys = [f".{name}" for name in element.classes]
        if element.ident:
            keys.append(f"#{element.ident}")
        found = [r for key in keys for r in self.rules.get(key, ()) if _rule_matches(r, chain, i)]
        return sorted(set(found), key=lambda rule: rule.order)


def _own_reasons(element: _Styled, style: dict[str, tuple[str, str]]) -> tuple[_Reason, ...]:
    """What hides this element whatever is inside or around it."""
    reasons: list[_Reason] = []
    attrs = element.attrs
    if not style and "hidden" not in attrs and element.tag not in ("noscript", "marquee"):
        return ()
    if element.tag == "noscript":
        reasons.append(
            _Reason("noscript", "写在<noscript>中，浏览器运行脚本时不显示", strong=False)
        )
    if "hidden" in attrs:
        reasons.append(_Reason("hidden-attribute", "带 hidden 属性隐藏", strong=False))
    if element.tag == "marquee":
        for name in ("height", "width"):
            size = _pixels(attrs.get(name) or "")
            if size is not None and size <= THIN_PX:
                reasons.append(_Reason("marquee-hidden", f"滚动字幕<marquee>{name}={size:g}", True))
        amount = _pixels(attrs.get("scrollamount") or "")
        if amount is not None and amount >= MARQUEE_FAST:
            reasons.append(
                _Reason("marquee-hidden", f"滚动字幕速度极快(scrollamount={amount:g})", True)
            )
    display, source = style.get("display", ("", ""))
    if display == "none":
        reasons.append(_via(source, "display-none", "display:none 隐藏"))
    opacity, source = style.get("opacity", ("", ""))
    if _NUMBER.fullmatch(opacity) and float(opacity.rstrip("%")) <= 0.01:
        reasons.append(_via(source, "transparent", f"完全透明(opacity:{opacity})", not source))
    if style.get("position", ("",))[0] in ("absolute", "fixed"):
        for name in ("left", "top"):
            value, source = style.get(name, ("", ""))
            offset = _pixels(value)
            if offset is not None and offset <= OFF_SCREEN_PX:
                reasons.append(
                    _via(source, "off-screen", f"位于页面可视区域之外({name}:{value})", True)
                )
    if element.tag in _INLINE_TAGS and style.get("display", ("",))[0] in ("", "inline"):
        return tuple(reasons)  # neither indent nor size applies to an inline element
    value, source = style.get("text-indent", ("", ""))
    indent = _pixels(value)
    if indent is not None and indent <= TEXT_INDENT_PX:
        reasons.append(
            _via(
                source,
                "off-screen",
                f"位于页面可视区域之外(text-indent:{value})",
                not _pictured(element, style),
            )
        )
    if "hidden" in style.get("overflow", ("",))[0] or element.tag == "marquee":
        for name in ("height", "width"):
            value, source = style.get(name, ("", ""))
            size = _pixels(value)
            if size is not None and 0 <= size <= THIN_PX:
                how, size_text = ("zero-size", "为零") if size == 0 else ("overflow-hidden", "极小")
                text = f"尺寸{size_text}且溢出隐藏({name}:{value};overflow:hidden)"
                reasons.append(_via(source, how, text, not source))
    return tuple(reasons)


def _pictured(element: _Styled, style: dict[str, tuple[str, str]]) -> bool:
    """Whether an element whose text is hidden (indent, tiny font) may still show as a
    picture: an icon or image replacement, its background set here or, by class or id, in
    an external stylesheet (``<a class="weibo" style="text-indent:-999em">微博</a>``)."""
    return bool(element.ident or element.classes) or any(
        name.startswith("background") for name in style
    )


def _via(source: str, how: str, how_text: str, strong: bool = False) -> _Reason:
    """A reason as set inline, or by a rule of the page's stylesheet (then ``css-class``;
    weak when the page also has a rule revealing it)."""
    if not source:
        return _Reason(how, how_text, strong)
    selector, revealed = source.rstrip("\x00"), source.endswith("\x00")
    return _Reason(
        "css-class", f"页面样式表 {selector} 规则隐藏：{how_text}", strong and not revealed
    )


@lru_cache(maxsize=4096)  # a site's pages share their stylesheets
def _parse_selector(selector: str) -> tuple[_Compound, ...] | None:
    """A chain of simple compounds (``div.x``, ``#y``) ending in a class or id; None for
    anything else (``ul ul``, a menu's rule by tag alone, would be matched on every element)."""
    parts = selector.replace(">", " ").split()
    if not parts or len(parts) > 4 or any(c in selector for c in "[+~*()"):
        return None
    if not any(c in parts[-1] for c in ".#"):
        return None
    compounds = []
    for part in parts:
        match = _COMPOUND.match(part)
        if match is None or not (match[1] or match[2]):
            return None
        names = re.findall(r"[.#][^.#]+", match[2])
        idents = [name[1:] for name in names if name[0] == "#"]
        compounds.append(
            _Compound(
                tag=(match[1] or "").lower(),
                ident=idents[0] if idents else "",
                classes=frozenset(name[1:] for name in names if name[0] == "."),
            )
        )
    return tuple(compounds)


def _rule_matches(rule: _Rule, chain: Sequence[_Styled], i: int) -> bool:
    if not _compound_matches(rule.chain[-1], chain[i]):
        return False
    j = i + 1
    for compound in reversed(rule.chain[:-1]):
        while j < len(chain) and not _compound_matches(compound, chain[j]):
            j += 1
        if j >= len(chain):
            return False
        j += 1
    return True


def _compound_matches(compound: _Compound, element: _Styled) -> bool:
    return (
        (not compound.tag or compound.tag == element.tag)
        and (not compound.ident or compound.ident == element.ident)
        and compound.classes <= element.classes
    )


def _declarations(text: str) -> dict[str, str]:
    found = {}
    for part in text.split(";"):
        name, colon, value = part.partition(":")
        name = name.strip().lower()
        if colon and name in _STYLE_PROPERTIES:
            found[name] = value.replace("!important", "").strip().lower()
    return found


def _pixels(value: str, *, font: bool = False) -> float | None:
    match = _LENGTH.match(value.strip().lower())
    if match is None:
        return None
    number = float(match[1])
    unit = match[2] or "px"
    if unit == "%":
        return number * 0.16 if font else None
    return number * {"px": 1.0, "pt": 4 / 3, "em": 16.0, "rem": 16.0}[unit]


def _colour(value: str) -> str | None:
    value = value.strip().lower()
    if value in _NAMED_COLOURS:
        return _NAMED_COLOURS[value]
    hex_match = _HEX.match(value)
    if hex_match:
        digits = hex_match[1]
        return "#" + (digits if len(digits) == 6 else "".join(c * 2 for c in digits))
    rgb = _RGB.match(value)
    if rgb and (rgb[4] is None or float(rgb[4]) >= 1):
        return "#" + "".join(f"{min(int(rgb[k]), 255):02x}" for k in (1, 2, 3))
    return None
