"""Spam words: what the text, title, image alt or URL of a hidden link says, and how surely
that makes it planted (``crawler.extract.hidden_links`` decides with the hiding).

Some words are unambiguous in a link (百家乐, 六合彩, 代孕); the ambiguous ones count only two
together and of different meanings (澳门 and 娱乐; 贷款, 彩票, 发票, 办证 alone are government
words). Words count only when the text does not speak of fighting them (打击, 整治, 警惕 …).
The short Latin words (bet, av, loan) count as whole words only.
"""

from __future__ import annotations

import re

__all__ = ["GAMBLING_WORDS", "LOAN_WORDS", "OTHER_SURE_WORDS", "PORN_WORDS", "SPAM_WORDS"]

# Unambiguous in a link, by what they sell (``crawler.extract.landing`` reads a linked page's
# kind from them); the ambiguous words count only two together.
GAMBLING_WORDS = (
    "博彩", "赌场", "赌博", "赌球", "网赌", "百家乐", "时时彩", "六合彩", "北京赛车", "幸运飞艇",
    "真人娱乐", "真人视讯", "真人荷官", "娱乐城", "威尼斯人", "新葡京", "葡京", "老虎机",
    "德州扑克", "电子游艺", "体育投注", "开户送", "注册送", "彩金", "现金网", "太阳城集团",
    "皇冠体育", "皇冠现金网", "casino", "bocai", "baijiale", "duchang", "yulecheng", "bet365",
    "1xbet", "betway", "sbobet", "dafabet", "188bet", "pk10",
)  # fmt: skip
PORN_WORDS = (
    "色情", "情色", "约炮", "一夜情", "裸聊", "成人电影", "成人视频", "成人网站", "黄色网站",
    "黄色视频", "黄片", "毛片", "三级片", "av女优", "无码", "porn", "xvideos", "hentai",
)  # fmt: skip
LOAN_WORDS = ("代办信用卡", "信用卡代办", "信用卡套现", "黑户贷款", "贷款口子", "秒下款")
OTHER_SURE_WORDS = ("办假证", "私服", "传奇私服", "代孕", "迷药")  # forged papers, game servers …
_SURE_WORDS = GAMBLING_WORDS + PORN_WORDS + LOAN_WORDS + OTHER_SURE_WORDS
_AMBIGUOUS_WORDS = (
    "澳门", "皇冠", "太阳城", "棋牌", "彩票", "投注", "下注", "娱乐", "赛车", "成人", "黄色",
    "偷拍", "贷款", "借贷", "网贷", "套现", "发票", "办证", "假证", "刻章", "传奇", "外挂",
    "枪支", "bet", "loan", "av", "sex", "xxx", "caipiao", "daikuan", "qipai", "yule", "sifu",
    "banzheng", "kezhang", "fapiao",
)  # fmt: skip
SPAM_WORDS: tuple[str, ...] = _SURE_WORDS + _AMBIGUOUS_WORDS
_SPAM = re.compile("|".join(re.escape(w) for w in sorted(SPAM_WORDS, key=len, reverse=True)))
_WHOLE_WORDS = frozenset(w for w in SPAM_WORDS if w.isascii() and len(w) <= 4)  # not "alphabet"
_SURE_SET = frozenset(_SURE_WORDS)
_SURE, _LIKELY = 2, 1
_SAME_MEANING = {
    "loan": "贷款", "daikuan": "贷款", "借贷": "贷款", "网贷": "贷款", "caipiao": "彩票",
    "qipai": "棋牌", "yule": "娱乐", "fapiao": "发票", "banzheng": "办证", "假证": "办证",
    "kezhang": "刻章", "sifu": "传奇", "bet": "投注", "下注": "投注", "sex": "成人", "av": "成人",
    "xxx": "成人", "黄色": "成人",
}  # fmt: skip
_FIGHTING = re.compile(r"打击|整治|严打|警惕|防范|谨防|治理|查处|取缔|专项|举报|曝光|提示|宣传")


def _spam_grade(keywords: tuple[str, ...], text: str) -> int:
    """``_SURE``, ``_LIKELY`` (two ambiguous words of different meanings) or 0 — also 0 when
    the text speaks of fighting what it names (打击跨境赌博)."""
    if not keywords or _FIGHTING.search(text):
        return 0
    if any(word in _SURE_SET for word in keywords):
        return _SURE
    return _LIKELY if len({_SAME_MEANING.get(word, word) for word in keywords}) >= 2 else 0


def _spam_words(text: str) -> tuple[str, ...]:
    """The spam words in ``text``; the short Latin ones (bet, av, loan) as whole words only.
    (One alternation, no look-behind: that makes the pattern several times slower.)"""
    text = text.lower()
    found: dict[str, None] = {}
    for match in _SPAM.finditer(text):
        word = match.group(0)
        if _stands_alone(text, word, match.start()):
            found[word] = None
    return tuple(found)


def _stands_alone(lowered: str, word: str, start: int) -> bool:
    """Whether the spam word at ``start`` of the lower-cased text counts there: a short Latin
    one only as a whole word (bet, not alphabet)."""
    if word not in _WHOLE_WORDS:
        return True
    before, after = lowered[start - 1 : start], lowered[start + len(word) : start + len(word) + 1]
    return not ("a" <= before <= "z" or "a" <= after <= "z")
