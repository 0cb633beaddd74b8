"""Posting histories of the demo's 政务新媒体 accounts, dated by the calendar.

The demo judges the last complete quarter before ``today`` (``demo_period``), as a quarterly
notice does. A history runs from the Monday of the week holding the day ten days before that
quarter up to yesterday (nothing is dated ``today`` or later: a clock a day behind must never
see a future post). Every account posts every other day (three or four times in every natural
week, at most two days apart), between 08:00 and 22:00 Asia/Shanghai, so no post lies within
an hour of a week's boundary; a few days add an extra post or, on Weibo, a 转发.

A problem account keeps 0–1 posts in each of its ``weeks_below`` weeks, chosen among the
complete weeks of the judged quarter but never its first one nor its last two (so the days just
before ``today`` stay busy even on the first day of a quarter). Every post is drawn from a
generator seeded by the account and the day, so a week's posts are the same whatever
``today`` is: a stored history from yesterday's crawl agrees with today's feed.
"""

from __future__ import annotations

import hashlib
import random
import string
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from crawler.demo.model import DemoPost
from rules.facts import Platform
from rules.model import SHANGHAI
from rules.period import Period
from rules.weeks import complete_weeks

__all__ = ["HISTORY_LEAD_DAYS", "demo_period", "post_history", "problem_weeks"]

HISTORY_LEAD_DAYS = 10  # the history starts at least this many days before the quarter
EXTRA_POST_CHANCE = 0.05  # per day: a second original post
REPOST_CHANCE = 0.05  # per day, Weibo only: a 转发
FIRST_HOUR, LAST_HOUR = 8, 21  # posts between 08:00 and 21:59 Asia/Shanghai
_BASE62 = string.digits + string.ascii_letters
_TOKEN = string.ascii_letters + string.digits + "-_"


def demo_period(today: date) -> Period:
    """The last complete quarter before ``today`` (on 1 July: the second quarter)."""
    first_month = 3 * ((today.month - 1) // 3) + 1  # the quarter ``today`` is in
    year, quarter = today.year, (first_month - 1) // 3  # the previous one, 0 meaning Q4
    if quarter == 0:
        year, quarter = year - 1, 4
    return Period.parse(f"{year}Q{quarter}")


def problem_weeks(account_id: str, weeks_below: int, period: Period) -> tuple[date, ...]:
    """The Mondays of the ``weeks_below`` weeks of ``period`` an account posts 0–1 times in."""
    if weeks_below == 0:
        return ()
    after_end = datetime.combine(period.end + timedelta(days=1), time(), tzinfo=SHANGHAI)
    candidates = complete_weeks(period, after_end)[1:-2]
    if weeks_below > len(candidates):
        raise ValueError(
            f"account {account_id!r}: {weeks_below} problem weeks do not fit the "
            f"{len(candidates)} inner complete weeks of {period} — build fewer"
        )
    rng = random.Random(f"problem-weeks:{account_id}:{period.start.isoformat()}")  # noqa: S311
    return tuple(sorted(rng.sample(candidates, weeks_below)))


@dataclass(frozen=True, slots=True, kw_only=True)
class PostVoice:
    """What an account posts about, and how it writes: its short name, topics and tag."""

    short: str  # 承留镇, 应急管理局
    topics: tuple[str, ...]
    tag: str  # the hashtag of its Weibo posts: 济源发布, 济源应急


def post_history(
    *,
    account_id: str,
    platform: Platform,
    handle: str,
    voice: PostVoice,
    today: date,
    quiet_weeks: Sequence[date] = (),
    since: date,
) -> tuple[DemoPost, ...]:
    """Every post from the week holding ``since`` up to yesterday, newest first.

    ``quiet_weeks`` (Mondays) get 0 or 1 post instead of the usual three or more."""
    parity = _digest_int(account_id) % 2
    quiet = set(quiet_weeks)
    first = since - timedelta(days=since.weekday())
    posts: list[DemoPost] = []
    day = first
    while day < today:
        monday = day - timedelta(days=day.weekday())
        if monday in quiet:
            posts += _quiet_week(account_id, platform, handle, voice, monday, today)
            day = monday + timedelta(days=7)
            continue
        rng = random.Random(f"posts:{account_id}:{day.isoformat()}")  # noqa: S311
        count = 1 if (day.toordinal() + parity) % 2 == 0 else 0
        if rng.random() < EXTRA_POST_CHANCE:
            count += 1
        moments = sorted(_moment(day, rng) for _ in range(count))
        posts += (_post(platform, voice, handle, moment, rng) for moment in moments)
        if platform is Platform.WEIBO and rng.random() < REPOST_CHANCE:
            posts.append(_repost(voice, handle, _moment(day, rng), rng))
        day += timedelta(days=1)
    posts.sort(key=lambda post: post.published, reverse=True)
    return tuple(posts)


def _quiet_week(
    account_id: str, platform: Platform, handle: str, voice: PostVoice, monday: date, today: date
) -> Iterator[DemoPost]:
    rng = random.Random(f"quiet:{account_id}:{monday.isoformat()}")  # noqa: S311
    if rng.random() < 0.5:
        return
    day = monday + timedelta(days=rng.randint(0, 6))
    if day < today:
        yield _post(platform, voice, handle, _moment(day, rng), rng)


def _digest_int(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def _moment(day: date, rng: random.Random) -> datetime:
    at = time(rng.randint(FIRST_HOUR, LAST_HOUR), rng.randint(0, 59), rng.randint(0, 59))
    return datetime.combine(day, at, tzinfo=SHANGHAI).astimezone(UTC)


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(count))


def _base62(number: int) -> str:
    out = ""
    while number:
        number, digit = divmod(number, 62)
        out = _BASE62[digit] + out
    return out or "0"


def _weibo_mid(moment: datetime, rng: random.Random) -> str:
    """A 16-digit Weibo mid that grows with time, like the real ones."""
    return str(4_600_000_000_000_000 + (int(moment.timestamp()) - 1_500_000_000) * 4096
               + rng.randint(0, 4095))  # fmt: skip


def _post(
    platform: Platform, voice: PostVoice, handle: str, moment: datetime, rng: random.Random
) -> DemoPost:
    text = _text(platform, voice, moment, rng)
    match platform:
        case Platform.WEIBO:
            mid = _weibo_mid(moment, rng)
            url = f"https://weibo.com/{handle}/{_base62(int(mid))}"
            return DemoPost(id=mid, url=url, text=text, published=moment)
        case Platform.WECHAT:
            token = "".join(rng.choice(_TOKEN) for _ in range(22))
            url = f"https://mp.weixin.qq.com/s/{token}"
            return DemoPost(id=token, url=url, text=text, published=moment)
        case Platform.DOUYIN:
            video = "7" + _digits(rng, 18)
            url = f"https://www.douyin.com/video/{video}"
            return DemoPost(id=video, url=url, text=text, published=moment)
        case Platform.TOUTIAO:
            article = "7" + _digits(rng, 18)
            url = f"https://www.toutiao.com/article/{article}/"
            return DemoPost(id=article, url=url, text=text, published=moment)
        case Platform.BILIBILI:
            dynamic = "6" + _digits(rng, 17)
            url = f"https://t.bilibili.com/{dynamic}"
            return DemoPost(id=dynamic, url=url, text=text, published=moment)
        case _:
            video = "3x" + "".join(rng.choice(string.ascii_lowercase + string.digits)
                                   for _ in range(13))  # fmt: skip
            url = f"https://www.kuaishou.com/short-video/{video}"
            return DemoPost(id=video, url=url, text=text, published=moment)


_REPOSTED = (
    ("河南发布", "【关注】全省{topic}工作推进会召开，部署下一阶段重点任务。"),
    ("中国应急管理", "【提醒】近期天气多变，请大家关注{topic}相关预警信息，注意安全！"),
    ("人民日报", "【#{topic}#】各地多措并举，让群众办事更方便、更舒心。"),
    ("河南省人民政府", "【权威发布】我省出台{topic}若干措施。"),
)


def _repost(voice: PostVoice, handle: str, moment: datetime, rng: random.Random) -> DemoPost:
    user, original = rng.choice(_REPOSTED)
    mid = _weibo_mid(moment, rng)
    return DemoPost(
        id=mid,
        url=f"https://weibo.com/{handle}/{_base62(int(mid))}",
        text=rng.choice(("转发微博", "扩散周知！", "关注！", f"#{voice.tag}# 转发学习")),
        published=moment,
        repost_of_user=user,
        repost_of_text=original.format(topic=rng.choice(voice.topics)),
    )


_TEMPLATES: dict[Platform, tuple[str, ...]] = {
    Platform.WEIBO: (
        "#{tag}# 【{topic}】{short}召开{topic}工作推进会，安排部署近期重点任务。",
        "#{tag}# {short}开展{topic}专项检查，发现问题{n}处，已督促整改到位。",
        "#{tag}# 【提醒】{topic}事关你我，请广大群众积极参与、相互转告！",
        "#{tag}# {month}月{day}日，{short}干部深入一线，走访群众了解{topic}诉求。",
        "#{tag}# 【便民】{topic}相关业务可在网上办理，少跑腿更省心。",
        "#{tag}# {short}{topic}工作又有新进展，一起来看↓↓",
    ),
    Platform.WECHAT: (
        "{short}召开{topic}工作推进会",
        "{topic}｜{short}多措并举抓落实",
        "关注！{topic}最新政策解读来了",
        "{short}扎实推进{topic}工作",
        "一图读懂{topic}",
        "{month}月{day}日{short}工作动态",
        "【{topic}】这些知识你需要了解",
    ),
    Platform.DOUYIN: (
        "{topic}，我们在行动！#济源 #{tag}",
        "跟着镜头看{short}的{topic}现场 #正能量",
        "{topic}小课堂开讲啦，记得点赞收藏 #{tag}",
        "{month}月{day}日 {short}{topic}工作一线 #济源",
    ),
    Platform.TOUTIAO: (
        "济源{short}：{topic}工作取得阶段性成效",
        "{short}全力推进{topic}，为高质量发展注入动力",
        "济源：{topic}跑出“加速度”",
    ),
    Platform.BILIBILI: (
        "【{short}】{topic}科普小视频第{n}期",
        "{topic}｜来济源看看这里的变化",
    ),
    Platform.KUAISHOU: (
        "{topic}进行时 #{tag}",
        "{short}{topic}宣传走进群众身边",
    ),
}


def _text(platform: Platform, voice: PostVoice, moment: datetime, rng: random.Random) -> str:
    local = moment.astimezone(SHANGHAI)
    template = rng.choice(_TEMPLATES.get(platform, _TEMPLATES[Platform.WECHAT]))
    return template.format(
        tag=voice.tag,
        short=voice.short,
        topic=rng.choice(voice.topics),
        month=local.month,
        day=local.day,
        n=rng.randint(2, 30),
    )
