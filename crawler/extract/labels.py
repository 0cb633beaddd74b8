"""The words around a date that say what it is: a publish date, another date, or no date.

- ``PUBLISH_LABEL``: ``发布时间``, ``发布日期``, ``发表于``, a bare ``时间``/``日期`` (colon or
  not), ``Published``, ``Veröffentlicht am``, ``Publié le`` …; a bare ``时间``/``日期`` right
  after another ideograph is that word's date (``成文日期``, ``截止时间``), not a label;
- ``NOT_PUBLISHED_LABEL``: labels of other dates (``成文``, ``印发``, ``更新``, ``修改``,
  ``截止``, ``实施``, ``Updated``, ``modified`` …): a date after them is never the publish date;
- ``DATE_LINE_WORDS``: the words of the line under a Chinese article's title (``来源``,
  ``作者``, ``阅读``, ``浏览``, ``字号``, ``点击`` …) that make an unlabelled date in it the
  publish date;
- ``NOT_A_PUBLISH_TEXT``: header widgets (``今天是…``, weather);
- ``WEEKDAY``: a weekday (``星期五``), as the "today" widgets show beside the date;
- ``COMMENTS_HEADING``: the heading of a comments section (``网友评论``, ``留言``, ``Comments``).
"""

from __future__ import annotations

import re

PUBLISH_LABEL = re.compile(
    r"(?P<label>(?:发布|发表|公开|上传|信息|录入|刊发|发文|生成|创建|首发)(?:时间|日期)"
    r"|发[表布]于|时间|日期"
    r"|(?<![a-z])(?:published|posted|veröffentlicht|erschienen|publié|publiée|publicado"
    r"|publicada|pubblicato|opublikowano)(?:\s+(?:on|am|le|el|il|em|at))?"
    r"|(?<![a-z])(?:date|datum|fecha)(?=\s*:))"
    r"\s*[:：]?\s*",
    re.IGNORECASE,
)
# What a text holds wherever ``PUBLISH_LABEL`` matches it once width-folded: a Chinese label's
# word, the start of every other label's word (case-insensitively, as the label is read), or
# a full-width letter (folded, it may spell one). A text without any holds no label: it is
# neither folded nor searched with the label pattern, which tries every position.
PUBLISH_LABEL_HINT = re.compile(
    r"时间|日期|发[表布]于|publi|pubbl|posted|ver|ersch|opub|dat|fecha|[Ａ-Ｚａ-ｚ]",
    re.IGNORECASE,
)
NOT_PUBLISHED_LABEL = re.compile(
    r"成文|印发|更新|修改|修订|截止|实施|生效|施行|废止|失效|有效期|开始|结束|报名|举办|会议|活动"
    r"|update|modif|aktualisiert|geändert|stand\b|mis à jour|actualizado|revised|edited",
    re.IGNORECASE,
)
DATE_LINE_WORDS = re.compile(r"来源|作者|阅读|浏览|字号|点击|编辑|访问量|次数|责任编辑|出处|稿源")
NOT_A_PUBLISH_TEXT = re.compile(r"今天是|今日是|天气")
WEEKDAY = re.compile(r"星期|礼拜|周[一二三四五六日天]")
COMMENTS_HEADING = re.compile(
    r"^\W*(?:网友|最新|全部|热门|相关)?(?:评论|留言|跟帖|回复)(?:区|列表|\(\d+\)|（\d+）)?\W*$"
    r"|^\W*(?:\d+\s+)?(?:comments?|kommentare?|commentaires?|comentarios?|commenti)\W*$",
    re.IGNORECASE,
)
