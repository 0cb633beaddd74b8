"""Small inline SVG charts, drawn on the server (no script): a column's age at each fetch,
and an account's posts per week (zero weeks drawn as zero, weeks not judged hatched)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from crawler.web.html import e
from rules.model import SHANGHAI
from storage.views import HistoryPoint

__all__ = ["age_chart", "weeks_chart"]

_W, _H = 220, 48


def age_chart(points: Sequence[HistoryPoint], *, max_age_days: int | None) -> str:
    """The column's age in days (fetch day − newest date) at each fetch; the window dashed."""
    ages = [
        (point, (point.fetched_at.astimezone(SHANGHAI).date() - point.newest).days)
        for point in points
        if point.newest is not None
    ]
    if len(ages) < 2:
        return '<span class="muted">—</span>'
    top = max([age for _, age in ages] + [max_age_days or 0, 1])
    step = _W / (len(ages) - 1)

    def y(age: int) -> float:
        return _H - 4 - (_H - 8) * age / top

    path = " ".join(f"{i * step:.1f},{y(age):.1f}" for i, (_, age) in enumerate(ages))
    window = ""
    if max_age_days:
        window = (
            f'<line x1="0" x2="{_W}" y1="{y(max_age_days):.1f}" y2="{y(max_age_days):.1f}" '
            'stroke="#c62828" stroke-dasharray="3,3"/>'
        )
    first, last = ages[0][0], ages[-1][0]
    title = (
        f"{first.fetched_at.astimezone(SHANGHAI):%m-%d} 至 "
        f"{last.fetched_at.astimezone(SHANGHAI):%m-%d}：最新信息距今{ages[-1][1]}天"
    )
    return (
        f'<svg width="{_W}" height="{_H}" role="img" aria-label="{e(title)}">'
        f"<title>{e(title)}</title>{window}"
        f'<polyline fill="none" stroke="#1f4e79" stroke-width="1.5" points="{path}"/></svg>'
    )


def weeks_chart(weeks: Sequence[Mapping[str, Any]], *, minimum: int | None) -> str:
    """Posts per natural week: every week of the period, judged or not (hatched)."""
    if not weeks:
        return ""
    width, height = max(240, 26 * len(weeks)), 120
    top = max([int(w.get("posts") or 0) for w in weeks] + [minimum or 0, 1])
    bar = width / len(weeks)
    parts = [
        '<defs><pattern id="h" width="4" height="4" patternUnits="userSpaceOnUse">'
        '<path d="M0,4 L4,0" stroke="#999"/></pattern></defs>'
    ]
    for i, week in enumerate(weeks):
        posts = int(week.get("posts") or 0)
        tall = (height - 24) * posts / top
        fill = "#1f4e79" if week.get("judged") else "url(#h)"
        label = f"{week['monday']}：{posts}条" + ("" if week.get("judged") else "（未判定）")
        parts.append(
            f'<rect x="{i * bar + 2:.1f}" y="{height - 18 - tall:.1f}" width="{bar - 4:.1f}" '
            f'height="{max(tall, 0.5):.1f}" fill="{fill}"><title>{e(label)}</title></rect>'
            f'<text x="{i * bar + bar / 2:.1f}" y="{height - 4}" font-size="9" '
            f'text-anchor="middle">{e(str(week["monday"])[5:])}</text>'
        )
    if minimum:
        level = height - 18 - (height - 24) * minimum / top
        parts.append(
            f'<line x1="0" x2="{width}" y1="{level:.1f}" y2="{level:.1f}" stroke="#c62828" '
            'stroke-dasharray="4,3"/>'
        )
    return f'<svg width="{width}" height="{height}" role="img">{"".join(parts)}</svg>'
