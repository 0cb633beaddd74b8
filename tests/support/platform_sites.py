"""Loopback imitations of the platforms' public account pages, each built the way the real
one is (as far as the pages show it from outside), for ``page:`` sources read in the browser:

- ``/douyin/user/<id>``: 抖音 — the state URL-encoded in ``<script id="RENDER_DATA"
  type="application/json">`` (``aweme_id``, ``desc``, ``create_time`` in Unix seconds, an
  author object with its own ``create_time``); cards built by script, showing 3天前-style times.
- ``/toutiao/c/user/token/<id>``: 今日头条 — cards loaded from an XHR feed (``behot_time``,
  ``article_url``, ``has_more``), 10 a call, the next call made when the reader scrolls to
  the bottom; cards show relative times.
- ``/kuaishou/profile/<id>``: 快手 — a GraphQL POST answering ``feeds[].photo`` (``timestamp``
  in milliseconds); the cards show play counts and durations, no time at all.
- ``/bilibili/space/<id>``: 哔哩哔哩 — ``window.__INITIAL_STATE__`` holding ``undefined``, and an
  XHR answering ``vlist`` (``bvid``, ``created``, ``length`` 03:21); cards show ``12-01``.
- ``/channels/<id>``: 视频号 — a plain server-rendered list with ``2026年12月1日`` dates.

Every page also shows a profile header and a small 推荐 box that are not the account's posts.
Each serves the posts of ``POSTS_AGES_DAYS`` (their ages at serve time), 头条 over two calls.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from aiohttp import web

from rules.model import SHANGHAI
from tests.support.serving import serve_app

# The posts each imitation serves, by age in days at serve time (newest first).
POSTS_AGES_DAYS = [0.2, 1.5, 3.2, 5.1, 8.3, 11.0, 13.4, 16.2, 19.9, 24.0]
TOUTIAO_PAGES = 2  # its feed call's pages: the second is asked for only after a scroll
_PER_CALL = 5

_HEAD = '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{t}</title>'
_STYLE = "<style>.card{height:220px;border:1px solid #ccc;margin:4px}</style></head><body>"
_PROFILE = (
    '<div class="profile"><h1>{name}</h1><span>粉丝 3.1万</span></div>'
    '<div class="recommend"><a href="/recommend/1">你可能感兴趣</a><span>1小时前</span></div>'
)


def _moments() -> list[datetime]:
    now = datetime.now(UTC)
    return [now - timedelta(days=age) for age in POSTS_AGES_DAYS]


def _relative(moment: datetime) -> str:
    age = datetime.now(UTC) - moment
    if age < timedelta(hours=1):
        return f"{max(1, int(age.total_seconds() // 60))}分钟前"
    if age < timedelta(days=1):
        return f"{int(age.total_seconds() // 3600)}小时前"
    return f"{age.days}天前"


def _page(title: str, name: str, body: str) -> web.Response:
    html = _HEAD.format(t=title) + _STYLE + _PROFILE.format(name=name) + body + "</body></html>"
    return web.Response(text=html, content_type="text/html", charset="utf-8")


async def _douyin(_: web.Request) -> web.Response:
    posts = [
        {
            "aweme_id": f"73{i:017d}",
            "desc": f"抖音作品{i}",
            "create_time": int(moment.timestamp()),
            "author": {"uid": "1001", "create_time": 1500000000},
            "statistics": {"digg_count": 10 + i},
        }
        for i, moment in enumerate(_moments())
    ]
    state = {"app": {"user": {"nickname": "济源发布"}, "post": {"data": posts, "hasMore": 0}}}
    cards = json.dumps(
        [{"id": p["aweme_id"], "desc": p["desc"], "time": _relative(m)}
         for p, m in zip(posts, _moments(), strict=True)],
        ensure_ascii=False,
    )  # fmt: skip
    body = (
        '<ul id="list"></ul>'
        '<script id="RENDER_DATA" type="application/json">'
        f"{quote(json.dumps(state, ensure_ascii=False))}</script>"
        f"<script>var cards = {cards};"
        "var ul = document.getElementById('list');"
        "cards.forEach(function (c) { var li = document.createElement('li');"
        "li.className = 'card'; li.innerHTML = '<a href=\"/video/' + c.id + '\">' + c.desc +"
        "'</a><span class=\"time\">' + c.time + '</span>'; ul.appendChild(li); });</script>"
    )
    return _page("济源发布的抖音", "济源发布", body)


async def _toutiao(_: web.Request) -> web.Response:
    body = """<div id="feed"></div><p id="end"></p>
<script>
var page = 0, loading = false, more = true;
function load() {
  if (loading || !more) return;
  loading = true;
  fetch('/toutiao/api/pc/list/feed?page=' + page).then(function (r) { return r.json(); })
  .then(function (d) {
    d.data.forEach(function (a) {
      var div = document.createElement('div'); div.className = 'card';
      div.innerHTML = '<a href="' + a.article_url + '">' + a.title + '</a>' +
        '<div class="meta"><span>' + a.source + '</span><span>' + a.shown + '</span></div>';
      document.getElementById('feed').appendChild(div);
    });
    more = d.has_more; page += 1; loading = false;
  });
}
window.addEventListener('scroll', function () {
  if (window.innerHeight + window.scrollY >= document.body.scrollHeight - 50) load();
});
load();
</script>"""
    return _page("头条号", "济源发布", body)


async def _toutiao_feed(request: web.Request) -> web.Response:
    page = int(request.query.get("page", "0"))
    moments = _moments()
    start = page * _PER_CALL
    chosen = list(enumerate(moments))[start : start + _PER_CALL]
    data = [
        {
            "group_id": f"7{i:018d}",
            "title": f"头条文章{i}",
            "source": "济源发布",
            "behot_time": int(moment.timestamp()),
            "shown": _relative(moment),
            "article_url": f"/toutiao/article/7{i:018d}/",
        }
        for i, moment in chosen
    ]
    return web.json_response({"data": data, "has_more": page + 1 < TOUTIAO_PAGES})


async def _kuaishou(_: web.Request) -> web.Response:
    body = """<div id="feeds"></div>
<script>
fetch('/kuaishou/graphql', {method: 'POST', headers: {'content-type': 'application/json'},
  body: JSON.stringify({operationName: 'visionProfilePhotoList', variables: {userId: 'x'}})})
.then(function (r) { return r.json(); }).then(function (d) {
  d.data.visionProfilePhotoList.feeds.forEach(function (f) {
    var div = document.createElement('div'); div.className = 'card';
    div.innerHTML = '<a href="/short-video/' + f.photo.id + '"><img alt=""></a>' +
      '<span class="play">' + f.photo.viewCount + '</span><span class="dur">00:45</span>';
    document.getElementById('feeds').appendChild(div);
  });
});
</script>"""
    return _page("快手", "济源发布", body)


async def _kuaishou_graphql(_: web.Request) -> web.Response:
    feeds = [
        {
            "type": 1,
            "author": {"id": "3x999", "name": "济源发布"},
            "photo": {
                "id": f"3xk{i:06d}",
                "caption": f"快手作品{i}",
                "timestamp": int(moment.timestamp() * 1000),
                "viewCount": f"{i + 1}.2万",
                "duration": 45000,
            },
        }
        for i, moment in enumerate(_moments())
    ]
    return web.json_response({"data": {"visionProfilePhotoList": {"feeds": feeds, "pcursor": ""}}})


async def _bilibili(_: web.Request) -> web.Response:
    body = """<div id="app"></div>
<script>window.__INITIAL_STATE__={"space":{"mid":1001,"info":{"name":"济源发布","face":undefined}},
"nav":{"list":[{"name":"主页"},{"name":"投稿"}]}};(function(){var s;}());</script>
<script>
fetch('/bilibili/x/space/wbi/arc/search?mid=1001&pn=1').then(function (r) { return r.json(); })
.then(function (d) {
  d.data.list.vlist.forEach(function (v) {
    var div = document.createElement('div'); div.className = 'card';
    var t = new Date(v.created * 1000);
    var md = ('0' + (t.getMonth() + 1)).slice(-2) + '-' + ('0' + t.getDate()).slice(-2);
    div.innerHTML = '<a href="//' + location.host + '/video/' + v.bvid + '/">' + v.title +
      '</a><span class="length">' + v.length + '</span><span class="time">' + md + '</span>';
    document.getElementById('app').appendChild(div);
  });
});
</script>"""
    return _page("济源发布的个人空间", "济源发布", body)


async def _bilibili_search(_: web.Request) -> web.Response:
    vlist = [
        {
            "bvid": f"BV1xx411c{i:03d}",
            "title": f"B站视频{i}",
            "created": int(moment.timestamp()),
            "length": "03:21",
            "play": 100 + i,
            "mid": 1001,
        }
        for i, moment in enumerate(_moments())
    ]
    return web.json_response({"code": 0, "data": {"list": {"vlist": vlist}, "page": {"pn": 1}}})


async def _channels(_: web.Request) -> web.Response:
    rows = "".join(
        f'<div class="card"><a href="/channels/feed/{i}">视频号动态{i}</a>'
        f'<span class="date">{moment.astimezone(SHANGHAI):%Y年%-m月%-d日}</span></div>'
        for i, moment in enumerate(_moments())
    )
    return _page("视频号", "济源发布", f'<div class="feeds">{rows}</div>')


@asynccontextmanager
async def serve_platforms() -> AsyncIterator[str]:
    """All five imitations on one loopback server; yields its base URL."""
    app = web.Application()
    app.router.add_get("/douyin/user/{id}", _douyin)
    app.router.add_get("/toutiao/c/user/token/{id}", _toutiao)
    app.router.add_get("/toutiao/api/pc/list/feed", _toutiao_feed)
    app.router.add_get("/kuaishou/profile/{id}", _kuaishou)
    app.router.add_post("/kuaishou/graphql", _kuaishou_graphql)
    app.router.add_get("/bilibili/space/{id}", _bilibili)
    app.router.add_get("/bilibili/x/space/wbi/arc/search", _bilibili_search)
    app.router.add_get("/channels/{id}", _channels)
    async with serve_app(app) as base:
        yield base
