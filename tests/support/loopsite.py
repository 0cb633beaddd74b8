"""A small loopback site whose pages misbehave on purpose, changeable by each test."""

from __future__ import annotations

from dataclasses import dataclass, field


def list_page(rows: list[tuple[str, str]], *, charset: str = "utf-8") -> str:
    items = "".join(
        f'<li><a href="/a/{i}.html" title="{title}">{title}</a><span class="date">{day}</span></li>'
        for i, (title, day) in enumerate(rows)
    )
    return (
        f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>列表</title></head><body>'
        f'<div class="header">今天是2030年1月1日</div><ul class="list">{items}</ul>'
        '<div class="footer">© 2004-2030 版权所有</div></body></html>'
    )


CHALLENGE = (
    '<html><head><meta id="a1b2" content="xyz"><script>var $_ts=window["$_ts"];'
    "if(!$_ts)$_ts={};$_ts.nsd=12345;$_ts.cd='qWdlrrAl';</script>"
    '<script src="/abc/def.js" r="m"></script></head><body></body></html>'
)


@dataclass
class Site:
    """The loopback site: its base URL and what each route answers, changeable by a test."""

    base: str = ""
    pages: dict[str, tuple[int, str, str]] = field(
        default_factory=dict
    )  # path → status, type, body
    delay_s: dict[str, float] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # path, headers

    def url(self, path: str) -> str:
        return self.base + path
