"""What the page behind an external link now is: a gambling, pornography or illegal-loan site,
or a parked domain (an expired domain re-registered by someone else, or one for sale).

``classify_landing(html, final_url)`` reads the first ``MAX_HTML_CHARS`` of the page: its
title, its meta keywords and description, its visible text (scripts, styles and inline-hidden
elements left out, at most ``MAX_TEXT_CHARS``), the hosts of its frames, scripts and refresh
target, and the host the link's redirects ended on. Precise first — a link wrongly called a
gambling site is the worst mistake this can make:

- **gambling, porn, loan** use the spam vocabulary of ``crawler.extract.spam_words``: only its
  sure words count (an ambiguous one — 澳门, 彩票, 贷款, bet — never does), each given one kind
  here. A page is of a kind with one such word in its title or in its meta keywords or
  description, or with ``TEXT_MIN_WORDS`` distinct ones in its visible text that also occur
  at least once per ``TEXT_CHARS_PER_HIT`` characters of it (a news portal's stray headline
  is no gambling site).
- Never flagged for content: a page that speaks against what it names — a fighting word of
  ``spam_words`` (打击, 整治, 防范 …) or a word of reporting and warning (公安, 警方, 犯罪, 危害,
  远离 …) in its title or description, or within ``WINDOW_CHARS`` of a sure word in its
  text; a page on a government host (``link_hosts.is_government_host``: no stranger can register
  those); the names of Macau's licensed casinos and of the industry (博彩, 赌场, 葡京,
  威尼斯人, casino) on their own; and, on a page that names the state lotteries (福利彩票,
  体育彩票, 福彩, 体彩), the lottery words (时时彩, 北京赛车 were 福彩 games).
- **parking**: a for-sale or parking phrase ("This domain is for sale", "buy this domain",
  "该域名正在出售", "域名转让", "域名停放" …) in the title or the meta description, or in the
  visible text of a page of at most ``PARKED_TEXT_MAX_CHARS`` characters (a parked page says
  little; a registrar's long homepage lists 域名转让 in its menu); or the redirects ending on,
  or the page framing or loading from, a parking or domain-sale service (sedo, dan.com,
  afternic, bodis, parkingcrew, above.com, hugedomains, 4.cn, ename, 22.cn …). Parking is
  judged first: a domain for sale whose name holds a gambling word is parked, not a casino.

Pure: text in, a ``Landing`` or None out. A page too deeply nested to parse cheaply
(``crawler.extract.limits``) is judged by its final host only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from crawler.extract.limits import too_complex
from crawler.extract.link_hosts import is_government_host
from crawler.extract.spam_words import (
    _FIGHTING,
    _SURE,
    _SURE_WORDS,
    GAMBLING_WORDS,
    LOAN_WORDS,
    PORN_WORDS,
    _spam_grade,
    _spam_words,
    _stands_alone,
)
from crawler.extract.text import collapse
from rules.links import LandingKind, LandingPlace, LandingWords

__all__ = [
    "MAX_HTML_CHARS",
    "MAX_TEXT_CHARS",
    "PARKED_TEXT_MAX_CHARS",
    "TEXT_CHARS_PER_HIT",
    "TEXT_MIN_WORDS",
    "WINDOW_CHARS",
    "Landing",
    "classify_landing",
]

MAX_HTML_CHARS = 256 * 1024  # of the page, read from its start
MAX_TEXT_CHARS = 100_000  # of its visible text
TEXT_MIN_WORDS = 3  # distinct sure words of one kind in the visible text
TEXT_CHARS_PER_HIT = 500  # … occurring at least once per this many characters of it
PARKED_TEXT_MAX_CHARS = 3_000  # a parking phrase counts in the text of a page this short
WINDOW_CHARS = 30  # a word speaking against within this many characters of a sure word
_MAX_HITS_PER_WORD = 200  # occurrences of one word looked at (bounds the work)
_SHOWN = 5  # words named per place

_KIND_OF: dict[str, LandingKind] = {
    **dict.fromkeys(GAMBLING_WORDS, LandingKind.GAMBLING),
    **dict.fromkeys(PORN_WORDS, LandingKind.PORN),
    **dict.fromkeys(LOAN_WORDS, LandingKind.LOAN),
}  # the other sure words (forged papers, game servers, surrogacy, drugs) are of no kind here
_SURE_SET = frozenset(_SURE_WORDS)

# Macau's licensed casinos and the industry's name: never enough on their own.
_VENUE_WORDS = frozenset({"博彩", "赌场", "葡京", "新葡京", "威尼斯人", "casino"})
# Games the state lotteries run or ran, and their words: not counted on a lottery's page.
_LOTTERY_WORDS = frozenset(
    {"时时彩", "六合彩", "北京赛车", "幸运飞艇", "pk10", "彩金", "体育投注", "赌球"}
)
_STATE_LOTTERY = re.compile(r"福利彩票|体育彩票|福彩|体彩|中彩网")
# News and warnings about what a page names (beside the fighting words of spam_words).
_SPEAKING_AGAINST = re.compile(
    r"公安|警方|民警|犯罪|嫌疑|诈骗|反诈|涉赌|涉黄|涉诈|抓获|破获|捣毁|判处|判决|法院|检察"
    r"|远离|拒绝|危害|有害|戒赌|扫黄|打非|违法"
)

_PARKING_PHRASES = (
    "this domain is for sale", "this domain may be for sale", "domain may be for sale",
    "domain is for sale", "domain name is for sale", "domain for sale", "buy this domain",
    "make an offer on this domain", "this domain is parked", "this web page is parked",
    "parked domain", "domain parking",
    "该域名正在出售", "此域名出售", "域名正在出售", "域名出售", "域名转让", "域名待售",
    "域名停放", "此域名可出售", "域名可转让",
)  # fmt: skip
_PARKING_HOSTS = (
    "sedo.com", "sedoparking.com", "dan.com", "afternic.com", "bodis.com", "parkingcrew.net",
    "above.com", "hugedomains.com", "undeveloped.com", "buydomains.com", "domainmarket.com",
    "4.cn", "ename.com", "ename.cn", "22.cn", "juming.com",
)  # fmt: skip
_HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|(?:left|top|text-indent)\s*:\s*-\d{3,}",
    re.IGNORECASE,
)
_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\";\s]+)", re.IGNORECASE)
_NOT_SHOWN = ["script", "style", "noscript", "template", "textarea", "select"]
_KINDS = (LandingKind.GAMBLING, LandingKind.PORN, LandingKind.LOAN)


@dataclass(frozen=True, slots=True, kw_only=True)
class Landing:
    """What the linked page is, and the words (or hosts) that say so, place by place."""

    kind: LandingKind
    found: tuple[LandingWords, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class _Page:
    title: str
    meta: str  # keywords and description
    text: str  # visible text, collapsed and capped
    embeds: tuple[str, ...]  # hosts of frames, scripts and the refresh target


def classify_landing(html: str, final_url: str) -> Landing | None:
    """The kind of page ``html`` (read at ``final_url``, after redirects) is, or None."""
    host = _host(final_url)
    if host is not None and is_government_host(host):
        return None
    service = _under(host, _PARKING_HOSTS) if host is not None else None
    if service is not None:
        return Landing(
            kind=LandingKind.PARKING,
            found=(LandingWords(place=LandingPlace.HOST, words=(service,)),),
        )
    html = html[:MAX_HTML_CHARS]
    if not html.strip() or too_complex(html):
        return None
    page = _read_page(html)
    return _parked(page) or _content(page)


# --- reading the page -------------------------------------------------------------------


def _read_page(html: str) -> _Page:
    tree = LexborHTMLParser(html.replace("\x00", ""))
    title_node = tree.css_first("title")
    title = collapse(title_node.text()) if title_node is not None else ""
    meta: list[str] = []
    embeds: list[str] = []
    for node in tree.css("meta"):
        name = (node.attributes.get("name") or "").strip().lower()
        if name in ("keywords", "description"):
            meta.append(node.attributes.get("content") or "")
        equiv = (node.attributes.get("http-equiv") or "").strip().lower()
        refresh = _REFRESH_URL.search(node.attributes.get("content") or "")
        if equiv == "refresh" and refresh is not None:
            embeds.append(refresh.group(1))
    for node in tree.css("script[src], iframe[src], frame[src]"):
        embeds.append(node.attributes.get("src") or "")
    tree.strip_tags(_NOT_SHOWN)
    for node in reversed(_hidden(tree.css("[style], [hidden]"))):  # the innermost first
        node.decompose()
    body = tree.body
    text = collapse(body.text(separator=" ")) if body is not None else ""
    return _Page(
        title=title[:1_000],
        meta=collapse(" ".join(meta))[:4_000],
        text=text[:MAX_TEXT_CHARS],
        embeds=tuple(h for h in (_host(url) for url in embeds) if h is not None),
    )


def _hidden(nodes: Iterable[LexborNode]) -> list[LexborNode]:
    """The elements hidden by their own markup (``hidden``, inline display:none, off-screen)."""
    return [
        node
        for node in nodes
        if "hidden" in node.attributes or _HIDDEN_STYLE.search(node.attributes.get("style") or "")
    ]


def _host(url: str) -> str | None:
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return host.rstrip(".").lower() if host else None


def _under(host: str, domains: Iterable[str]) -> str | None:
    """The domain of ``domains`` that ``host`` is or is under, or None."""
    return next((d for d in domains if host == d or host.endswith(f".{d}")), None)


# --- parking ----------------------------------------------------------------------------


def _parked(page: _Page) -> Landing | None:
    found: list[LandingWords] = []
    places = [(LandingPlace.TITLE, page.title), (LandingPlace.META, page.meta)]
    if len(page.text) <= PARKED_TEXT_MAX_CHARS:
        places.append((LandingPlace.TEXT, page.text))
    for place, text in places:
        if phrases := _parking_phrases(text):
            found.append(LandingWords(place=place, words=phrases))
    services = tuple(dict.fromkeys(s for h in page.embeds if (s := _under(h, _PARKING_HOSTS))))
    if services:
        found.append(LandingWords(place=LandingPlace.EMBED, words=services[:_SHOWN]))
    return Landing(kind=LandingKind.PARKING, found=tuple(found)) if found else None


def _parking_phrases(text: str) -> tuple[str, ...]:
    """The parking phrases in ``text``, leaving out those inside a longer one found."""
    lowered = text.lower()
    found = [phrase for phrase in _PARKING_PHRASES if phrase in lowered]
    kept = [p for p in found if not any(p != q and p in q for q in found)]
    return tuple(kept[:_SHOWN])


# --- gambling, porn, loan ---------------------------------------------------------------


def _content(page: _Page) -> Landing | None:
    title = _sure_words(page.title)
    meta = _sure_words(page.meta)
    text = tuple(word for word in _spam_words(page.text) if word in _SURE_SET)
    if _against(page.title) or _against(page.meta) or _text_against(page.text, text):
        return None
    lottery = bool(_STATE_LOTTERY.search(f"{page.title} {page.meta} {page.text}"))
    for kind in _KINDS:
        in_title = _of_kind(title, kind, lottery=lottery)
        in_meta = _of_kind(meta, kind, lottery=lottery)
        in_text = _of_kind(text, kind, lottery=lottery)
        if not (_counts(in_title) or _counts(in_meta) or _dense(page.text, in_text)):
            continue
        found = [
            LandingWords(place=place, words=words[:_SHOWN])
            for place, words in (
                (LandingPlace.TITLE, in_title),
                (LandingPlace.META, in_meta),
                (LandingPlace.TEXT, in_text),
            )
            if words
        ]
        return Landing(kind=kind, found=tuple(found))
    return None


def _sure_words(text: str) -> tuple[str, ...]:
    """The sure spam words of a short text (a title, a description) that does not speak of
    fighting them (``_spam_grade`` is 0 for 打击跨境赌博)."""
    words = _spam_words(text)
    return tuple(w for w in words if w in _SURE_SET) if _spam_grade(words, text) == _SURE else ()


def _against(text: str) -> bool:
    """Whether a title or a description speaks of fighting or warns (扫黄打非, 网络赌博的危害)."""
    return bool(_FIGHTING.search(text) or _SPEAKING_AGAINST.search(text))


def _of_kind(words: tuple[str, ...], kind: LandingKind, *, lottery: bool) -> tuple[str, ...]:
    return tuple(
        word
        for word in words
        if _KIND_OF.get(word) is kind and not (lottery and word in _LOTTERY_WORDS)
    )


def _counts(words: tuple[str, ...]) -> bool:
    """Whether the words of one place are enough: any that is not a venue's name."""
    return any(word not in _VENUE_WORDS for word in words)


def _dense(text: str, words: tuple[str, ...]) -> bool:
    """``TEXT_MIN_WORDS`` distinct words (venues left out), at least one occurrence per
    ``TEXT_CHARS_PER_HIT`` characters of the text."""
    counted = [word for word in words if word not in _VENUE_WORDS]
    if len(counted) < TEXT_MIN_WORDS:
        return False
    lowered = text.lower()
    hits = sum(len(_positions(lowered, word)) for word in counted)
    return hits * TEXT_CHARS_PER_HIT >= len(text)


def _text_against(text: str, words: tuple[str, ...]) -> bool:
    """Whether the text speaks against a sure word it holds: a fighting or warning word close
    to one of its occurrences (一起远离网络赌博, 警方捣毁一赌博窝点)."""
    lowered = text.lower()
    for word in words:
        for start in _positions(lowered, word):
            window = lowered[max(start - WINDOW_CHARS, 0) : start + len(word) + WINDOW_CHARS]
            if _FIGHTING.search(window) or _SPEAKING_AGAINST.search(window):
                return True
    return False


def _positions(lowered: str, word: str) -> list[int]:
    """Where ``word`` occurs in ``lowered`` (the short Latin words as whole words only)."""
    out: list[int] = []
    start = lowered.find(word)
    while start != -1 and len(out) < _MAX_HITS_PER_WORD:
        end = start + len(word)
        if _stands_alone(lowered, word, start):
            out.append(start)
        start = lowered.find(word, end)
    return out
