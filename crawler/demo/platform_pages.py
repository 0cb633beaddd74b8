"""A platform's public account page, as the demo serves it for ``page:`` sources.

Like 抖音's or 今日头条's user pages, the page itself holds no post: a script loads the post
list from a JSON call and builds the cards, so only a browser reads it (docs/browser.md). Each
card shows the post's link, its text and its time (``2022-06-01 10:00``), and the page has a
profile header and a one-card "recommended" box that are not the account's posts.
"""

from __future__ import annotations

import json
from html import escape

from crawler.demo.model import DemoAccount
from rules.model import SHANGHAI

__all__ = ["platform_json_path", "platform_path", "render_platform_json", "render_platform_page"]

_PAGE = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<title>{name}的主页</title></head><body>
<div class="profile"><h1>{name}</h1><span class="fans">粉丝 {fans}万</span></div>
<ul class="post-list" id="posts"></ul>
<div class="recommend"><a href="/platform/recommended">猜你喜欢</a><span>1小时前</span></div>
<script>
fetch({json_path}).then(function (r) {{ return r.json(); }}).then(function (d) {{
  var list = document.getElementById('posts');
  d.posts.forEach(function (p) {{
    var li = document.createElement('li');
    li.className = 'post-card';
    var a = document.createElement('a');
    a.href = p.url;
    a.textContent = p.text;
    var time = document.createElement('span');
    time.className = 'time';
    time.textContent = p.time;
    li.appendChild(a);
    li.appendChild(time);
    list.appendChild(li);
  }});
}});
</script></body></html>
"""


def platform_path(account: DemoAccount) -> str:
    """The account's page on its platform, relative to the demo's platform server."""
    return f"/platform/{account.platform.value}/{account.handle}"


def platform_json_path(account: DemoAccount) -> str:
    return platform_path(account) + "/posts.json"


def render_platform_page(account: DemoAccount) -> str:
    fans = 1 + len(account.posts) % 9
    return _PAGE.format(
        name=escape(account.name),
        fans=fans,
        json_path=json.dumps(platform_json_path(account)),
    )


def render_platform_json(account: DemoAccount) -> str:
    posts = [
        {
            "url": post.url,
            "text": post.text[:60],
            "time": f"{post.published.astimezone(SHANGHAI):%Y-%m-%d %H:%M}",
        }
        for post in account.posts
    ]
    return json.dumps({"posts": posts}, ensure_ascii=False)
