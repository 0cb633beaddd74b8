"""Finding the list's wrong forms in a text: normalising it, matching, the sentence around a hit.

The plain entries (no ``context``) are compiled into one regex. Each entry is looked for at
its rarest character (by ``_COMMON``, a ranking of the 400 most frequent characters in laws
and news text): the regex's alternatives start with those characters, so the search skips in
C over every position that holds none of them, and an entry's other characters are checked
with a lookbehind and the rest of the pattern. The context entries run only on texts that hold
their wrong form, and the post holders only when the page's date is known. On a busy 2-core
machine 100,000 characters of dense text take about 8 ms, the text of a 100 KB page well under
1 ms (``scripts/bench-wording`` prints the figure for a set of pages).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from datetime import date, timedelta

from crawler.extract.wording.model import TitleHolder, WordingEntry, WordingHit

__all__ = ["MAX_HITS", "WordingList", "check_text", "normalise"]

MAX_HITS = 100
"""At most this many hits per text: a page with more is one to read, not to count."""

SENTENCE_CHARS = 80
HOLDER_GRACE = timedelta(days=31)
"""A page dated within a month after a change may still report the former holder's last acts."""

_COMMON = (
    "的人国和一有行第法条在会民中定以十应当不政理业作规者部关为大工是管地发了生市用对"
    "主年经务上设建出本机员公门要事或全进二合保区家其三等产他时制成日学实动个方同可下"
    "位展自施开责安及这到府处资物提重由体社得委报五与文代所分加内表于化单新水四并院通"
    "利共议来多任我场后能们组护高期级现过依权构品明照证力立前长月向交情面监之相技教改"
    "外使各性活查平件职办信度服决济正项道将据科准程强电收治企标小案元取金划织意就入特"
    "按审术从县次计书营育系起城好基持名目说款防统专记六农受违律导调告队求常运请境结种"
    "天心总问万海间供义量检解未质两华美督接例车省也反而村环路原指商际费世党七题领协采"
    "批具执子因备认予确放负被八式点支列军集知九最域无造申联况里源罚还乡范举着形北论已"
    "数界需司息参根百先章投然给今传格都转港口更限广研止益气志许险选见校果究如但承置比"
    "东非推布此西斯医达害别价核令财没效修诉林复严南节预直团识京变身验去则创助些香风除"
)

_RANK = {char: rank for rank, char in enumerate(_COMMON)}
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Whitespace as Python's str.isspace() sees it, spelt out (a charset scans faster than \s),
# and the zero-width characters and soft hyphen that editors leave inside words.
_SPACE = (
    "\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff\xad"
)
_WIDE = "\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"  # full-width digits and letters
# a run of whitespace between two Chinese characters; the first character is matched before the
# lookbehind so that the search skips in C to the next whitespace
_GAP = re.compile(f"[{_SPACE}](?<=[{_CJK}][{_SPACE}])[{_SPACE}]*(?=[{_CJK}])")
# the same, or a run of full-width letters and digits: one scan does both
_GAP_OR_WIDE = re.compile(
    f"[{_SPACE}{_WIDE}](?:(?<=[{_CJK}][{_SPACE}])[{_SPACE}]*(?=[{_CJK}])|(?<=[{_WIDE}])[{_WIDE}]*)"
)
_WIDE_CHAR = re.compile(f"[{_WIDE}]")
_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_SENTENCE_END = frozenset("。！？!?；;\n")
_LOOK_CHARS = 24  # how far not_after looks back (characters)
_PAST = re.compile(r"(?:时任|原任|前任|原|前|已故|故)$")
_PAST_WORDS = re.compile(
    "当时|当年|那时|那年|上一届|上届|前任|曾经|曾任|生前|逝世|去世|悼念|回忆|回顾|重温|旧闻"
)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_YEAR_CHARS = 300  # how far around a former holder's name a year of the term is looked for
_HEAD_CHARS = 200  # the start of a page, where its title is


class WordingList:
    """The entries and post holders to check texts against, compiled once.

    Build it with ``crawler.extract.wording.load_wording`` (the bundled list and an office's
    own file) or directly from values. A later entry with the same wrong form and context
    replaces an earlier one, so an office's file can narrow a bundled entry."""

    __slots__ = (
        "_anchored",
        "_context_words",
        "_contextual",
        "_holders",
        "_names",
        "_plain",
        "entries",
    )

    def __init__(
        self, entries: Iterable[WordingEntry], holders: Iterable[TitleHolder] = ()
    ) -> None:
        unique: dict[tuple[str, str | None], WordingEntry] = {}
        for entry in entries:
            key = (entry.wrong, entry.context.pattern if entry.context else None)
            unique.pop(key, None)  # the replacement takes the later place
            unique[key] = entry
        self.entries: tuple[WordingEntry, ...] = tuple(unique.values())
        plain = [entry for entry in self.entries if entry.context is None]
        self._anchored: dict[str, list[tuple[int, WordingEntry]]] = {}
        for entry in sorted(plain, key=lambda e: -len(e.wrong)):  # the longest first
            anchor = _anchor(entry.wrong)
            self._anchored.setdefault(entry.wrong[anchor], []).append((anchor, entry))
        self._plain = re.compile(_anchored_pattern(self._anchored)) if plain else None
        self._contextual = tuple(entry for entry in self.entries if entry.context is not None)
        self._context_words = _alternation(entry.wrong for entry in self._contextual)
        self._holders = tuple(holders)
        self._names = _alternation(holder.name for holder in self._holders)

    @property
    def holders(self) -> tuple[TitleHolder, ...]:
        return self._holders

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        return f"WordingList({len(self.entries)} entries, {len(self._holders)} post holders)"

    def plain_hits(self, text: str) -> Iterator[tuple[int, int, WordingEntry]]:
        """The plain entries' hits in a normalised text, in the order of their anchors."""
        if self._plain is None:
            return
        count = 0
        position = 0
        while count < MAX_HITS and (match := self._plain.search(text, position)):
            at = match.start()
            position = at + 1
            for anchor, entry in self._anchored[text[at]]:
                start = at - anchor
                end = start + len(entry.wrong)
                if start >= 0 and text.startswith(entry.wrong, start):
                    if _allowed(text, start, end, entry):
                        count += 1
                        yield start, end, entry
                        break

    def context_hits(self, text: str) -> Iterator[tuple[int, int, WordingEntry]]:
        """The context entries' hits in a normalised text."""
        if self._context_words is None or not self._context_words.search(text):
            return  # one scan in C for all their wrong forms: most texts hold none
        for entry in self._contextual:
            assert entry.context is not None  # only context entries are kept here
            if entry.wrong not in text:
                continue
            count = 0
            for match in entry.context.finditer(text):
                start = text.find(entry.wrong, match.start(), match.end())
                end = start + len(entry.wrong)
                if start < 0 or end > match.end() or not _allowed(text, start, end, entry):
                    continue
                yield start, end, entry
                count += 1
                if count >= MAX_HITS:
                    break

    def holder_hits(
        self, text: str, page_date: date
    ) -> Iterator[tuple[int, int, tuple[str, str, str]]]:
        """Former holders called by their post on a page dated after the change."""
        if self._names is None or _PAST_WORDS.search(text, 0, _HEAD_CHARS):
            return  # 旧闻重温, 回顾 in the title: a page about the past
        count = 0
        for name in self._names.finditer(text):  # names first: they are rarer than titles
            for holder in self._holders:
                if holder.name != name.group() or not text.endswith(holder.title, 0, name.start()):
                    continue
                start, end = name.start() - len(holder.title), name.end()
                right = self._successor(holder, text, start, end, page_date)
                if right is not None:
                    yield start, end, (text[start:end], right.title + right.name, right.source)
                    count += 1
                    break
            if count >= MAX_HITS:
                break

    def _successor(
        self, holder: TitleHolder, text: str, start: int, end: int, page_date: date
    ) -> TitleHolder | None:
        """Who held the post on ``page_date`` when ``text[start:end]`` wrongly names
        ``holder`` there; None when the page may rightly name them."""
        if holder.valid_to is None or page_date <= holder.valid_to + HOLDER_GRACE:
            return None
        successor = self.holder_on(holder.title, page_date)
        if successor is None or successor.name == holder.name:
            return None
        if _PAST.search(text, max(0, start - 4), start):
            return None  # 时任国务院总理李克强, 原国务院总理…: the past, said as such
        if _PAST_WORDS.search(_sentence(text, start, end)):
            return None  # 当时, 上一届, 生前, 回忆…: the sentence tells of the past
        around = text[max(0, start - _YEAR_CHARS) : end + _YEAR_CHARS]
        if any(int(year) <= holder.valid_to.year for year in _YEAR.findall(around)):
            return None  # 2019年…国务院总理李克强: a year of the term nearby
        return successor

    def holder_on(self, title: str, day: date) -> TitleHolder | None:
        """Who held ``title`` on ``day``, by the list."""
        for holder in self._holders:
            if holder.title == title and holder.valid_from <= day:
                if holder.valid_to is None or day < holder.valid_to:
                    return holder
        return None


class _Normalised:
    """The text as matched, and the way back to positions in the original (worked out only
    when a hit needs it: most texts have none)."""

    __slots__ = ("_original", "_shifts", "_starts", "text")

    def __init__(self, text: str) -> None:
        self._original = text
        # without full-width letters or digits (most texts) only the gaps go: a plain
        # substitution, no Python call for each gap
        wide = _WIDE_CHAR.search(text) is not None
        self.text = _GAP_OR_WIDE.sub(_fold_or_drop, text) if wide else _GAP.sub("", text)
        self._starts: list[int] | None = None  # where each run of kept characters starts
        self._shifts: list[int] = []  # characters removed before each run

    def original(self, position: int) -> int:
        """The position in the original text of ``position`` in ``self.text``."""
        if self._starts is None:
            self._starts = []
            removed = 0
            for gap in _GAP.finditer(self._original):  # folding keeps lengths: gaps only
                removed += gap.end() - gap.start()
                self._starts.append(gap.end() - removed)
                self._shifts.append(removed)
        run = bisect.bisect_right(self._starts, position) - 1
        return position + (self._shifts[run] if run >= 0 else 0)


def _fold_or_drop(match: re.Match[str]) -> str:
    """A full-width run folded to ASCII (one character for one), a gap dropped."""
    found = match.group()
    return found.translate(_FOLD) if found[0] >= "\uff10" else ""


def normalise(text: str) -> str:
    """``text`` as the list is matched against: full-width letters and digits folded to ASCII
    (１２月 → 12月), and whitespace (a line break, a space, a zero-width character) between two
    Chinese characters removed (中华人民共\\n和国 → 中华人民共和国). Full-width punctuation
    stays: a context regex names both forms (``[,，]``)."""
    return _Normalised(text).text


def check_text(
    text: str, wording: WordingList, *, today: date, page_date: date | None = None
) -> list[WordingHit]:
    """The list's wrong forms in ``text``, in text order, at most ``MAX_HITS``.

    ``page_date`` (the page's own publish date, when known and not after ``today``) lets the
    post holders be checked: a former holder called by the post on a page dated after the
    change. Never raises on any text."""
    norm = _Normalised(text)
    found: list[tuple[int, int, WordingEntry | tuple[str, str, str]]] = []
    found += wording.plain_hits(norm.text)
    found += wording.context_hits(norm.text)
    if page_date is not None and page_date <= today:
        found += wording.holder_hits(norm.text, page_date)
    found.sort(key=lambda hit: (hit[0], -hit[1]))
    hits: list[WordingHit] = []
    taken = 0
    for start, end, what in found:
        if start < taken:
            continue  # inside a longer hit found from another entry
        taken = end
        first, last = norm.original(start), norm.original(end - 1) + 1
        if isinstance(what, WordingEntry):
            wrong, right, kind, source = what.wrong, what.right, what.kind, what.source
        else:  # a former post holder
            wrong, right, source = what
            kind = "严重表述错误"
        hits.append(
            WordingHit(
                wrong=wrong,
                right=right,
                kind=kind,
                source=source,
                sentence=_sentence(text, first, last),
                position=first,
            )
        )
        if len(hits) >= MAX_HITS:
            break
    return hits


def _alternation(words: Iterable[str]) -> re.Pattern[str] | None:
    """One regex for any of ``words``, the longest first; None for none."""
    unique = sorted(set(words), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, unique))) if unique else None


def _allowed(text: str, start: int, end: int, entry: WordingEntry) -> bool:
    """Whether the surroundings leave ``text[start:end]`` a hit of ``entry``."""
    if entry.not_after is not None and entry.not_after.search(
        text, max(0, start - _LOOK_CHARS), start
    ):
        return False
    return entry.not_before is None or entry.not_before.match(text, end) is None


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around ``text[start:end]``, at most ``SENTENCE_CHARS``, on one line."""
    first = start
    while first > 0 and start - first < SENTENCE_CHARS and text[first - 1] not in _SENTENCE_END:
        first -= 1
    last = end
    while last < len(text) and last - end < SENTENCE_CHARS and text[last] not in _SENTENCE_END:
        last += 1
    if last < len(text) and text[last] in _SENTENCE_END and text[last] != "\n":
        last += 1  # keep the sentence's own full stop
    if last - first > SENTENCE_CHARS:
        room = max(0, SENTENCE_CHARS - (end - start))
        before = min(start - first, room // 2)
        after = min(last - end, room - before)
        before = min(start - first, room - after)
        first, last = start - before, end + after
    return " ".join(text[first:last].split())[:SENTENCE_CHARS]


def _anchor(wrong: str) -> int:
    """Where in ``wrong`` its rarest character is (the first of equals)."""
    rarity = [_RANK.get(char, len(_COMMON)) for char in wrong]
    return rarity.index(max(rarity))


def _anchored_pattern(anchored: dict[str, list[tuple[int, WordingEntry]]]) -> str:
    """One regex whose match starts at an entry's anchor: ``砌(?<=贯砌)`` for 贯砌."""
    alternatives = []
    for char, entries in sorted(anchored.items()):
        rests = []
        for anchor, entry in entries:
            before = entry.wrong[: anchor + 1]
            look = f"(?<={re.escape(before)})" if anchor else ""
            rests.append(look + re.escape(entry.wrong[anchor + 1 :]))
        body = rests[0] if len(rests) == 1 else "(?:" + "|".join(dict.fromkeys(rests)) + ")"
        alternatives.append(re.escape(char) + body)
    return "|".join(alternatives)
