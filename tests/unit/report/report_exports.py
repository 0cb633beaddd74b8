"""Literal findings exports (schema xunjian.findings/1) for the report's unit tests."""

from __future__ import annotations

import copy
from typing import Any

WEEKLY = "“两微一端”每周更新的内容少于2次"


def finding(
    code: str,
    message: str,
    *,
    severity: str = "problem",
    column_name: str | None = None,
    points: int = 0,
    occurrences: int = 1,
) -> dict[str, Any]:
    return {
        "code": code,
        "severity": severity,
        "message": message,
        "site": "x",
        "site_name": "x",
        "column": None,
        "column_name": column_name,
        "effect": "note",
        "points": points,
        "rule": None,
        "occurrences": occurrences,
        "evidence": {"url": "http://127.0.0.1:9/", "checked_at": "2022-07-05T10:00:00+08:00"},
        "first_seen": "2022-06-01T10:00:00+08:00",
        "last_seen": "2022-07-05T10:00:00+08:00",
    }


def column(name: str, age_days: int | None, *, category: str = "news") -> dict[str, Any]:
    return {
        "id": name,
        "name": name,
        "url": f"http://127.0.0.1:9/{name}/",
        "category": category,
        "max_age_days": None,
        "outcome": "ok" if age_days is not None else "timeout",
        "status": 200 if age_days is not None else None,
        "items": 10,
        "dated_items": 10,
        "newest": None if age_days is None else "2022-06-20",
        "newest_where": None,
        "age_days": age_days,
        "verdict": "fresh" if age_days is not None else "unreachable",
    }


def site(
    site_id: str,
    name: str,
    *,
    result: str = "合格",
    problems: str = "无问题",
    findings: list[dict[str, Any]] | None = None,
    columns: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "id": site_id,
        "name": name,
        "homepage": f"http://127.0.0.1:9/{site_id}/",
        "site_code": None,
        "unit": None,
        "profile": "national-2019",
        "result": result,
        "score": 100,
        "deducted": 0,
        "vetoes": [],
        "problems": problems,
        "not_judged": [],
        "columns": columns if columns is not None else [column("工作动态", 3)],
        "findings": findings or [],
        **extra,
    }


def account(
    account_id: str,
    name: str,
    type_: str,
    *,
    score: int = 100,
    weeks_below: int = 0,
    result: str = "合格",
) -> dict[str, Any]:
    problems = f"{WEEKLY},发现{weeks_below}次(扣{5 * weeks_below}分)" if weeks_below else "无问题"
    per_week = {f"2022-04-{4 + 7 * n:02d}": (1 if n < weeks_below else 3) for n in range(4)}
    return {
        "id": account_id,
        "name": name,
        "platform": "weibo",
        "type": type_,
        "unit": None,
        "source": "http://127.0.0.1:9/feed",
        "profile": "jiyuan",
        "outcome": "ok",
        "checked_at": "2022-07-05T10:00:00+08:00",
        "newest_post": "2022-06-29T10:00:00+08:00",
        "history_since": "2022-03-20T10:00:00+08:00",
        "posts_per_week": per_week,
        "result": result,
        "score": score,
        "vetoes": [],
        "not_judged": [],
        "problems": problems,
        "findings": [
            finding(
                "account-weekly-posts",
                problems,
                points=5 * weeks_below,
                occurrences=weeks_below,
            )
        ]
        if weeks_below
        else [],
    }


PREFIX = "济源产城融合示范区"

SITES = [
    site(
        "jiyuan-gov",
        "济源市人民政府",
        columns=[column("政务要闻", 2), column("政府概况", None, category="static")],
    ),
    site(
        "jyty",
        f"{PREFIX}教育体育局",
        problems="图片新闻2周未更新",
        findings=[finding("column-stale", "图片新闻2周未更新", column_name="图片新闻")],
        columns=[column("图片新闻", 40), column("通知公告", 100), column("人事信息", 400)],
    ),
    site(
        "zjj",
        f"{PREFIX}住房和城乡建设局",
        problems="工程招标、标准定额应更新但长期未更新",
        findings=[
            finding("column-overdue", "工程招标应更新但长期未更新", column_name="工程招标"),
            finding("column-overdue", "标准定额应更新但长期未更新", column_name="标准定额"),
        ],
    ),
    site(
        "yjj",
        f"{PREFIX}应急管理局",
        problems="安全生产、宣传教育、防火防汛抗旱应更新但长期未更新",
        findings=[
            finding("column-overdue", f"{name}应更新但长期未更新", column_name=name)
            for name in ("安全生产", "宣传教育", "防火防汛抗旱")
        ],
    ),
]

ACCOUNTS = [
    account("czj", f"{PREFIX}财政金融局", "微博", score=90, weeks_below=2),
    account("yjgl", "济源应急管理局", "微博", score=90, weeks_below=2),
    account("slt", "卢仝故里•大美思礼", "抖音", score=95, weeks_below=1),
    account("sl", "济源水利", "订阅号", score=95, weeks_below=1),
    account("ok", "济源发布", "微博"),
]

PUBLISHING = [
    {
        "site": "jiyuan-gov",
        "site_name": "济源市人民政府",
        "until": "2022-05-20",
        "total": 966,
        "columns": [
            {"column": "yw", "name": "要闻", "category": "news", "published": 468},
            {"column": "wj", "name": "管委会及办公室文件", "category": "notice", "published": 7},
            {"column": "zcjd", "name": "政策解读", "category": "notice", "published": 9},
            {"column": "zt", "name": "专题", "category": "static", "published": 0},
        ],
    },
    {"site": "jyty", "site_name": "教育体育局", "until": "2022-06-30", "total": 5, "columns": []},
]


def unit(
    unit_id: str, name: str, level: str, published: int, *, complete: bool = True
) -> dict[str, Any]:
    return {
        "id": unit_id,
        "name": name,
        "level": level,
        "parent": None,
        "published": published,
        "complete": complete,
        "columns": [],
    }


DISCLOSURE: dict[str, Any] = {
    "period": {"label": "2022Q2", "start": "2022-04-01", "end": "2022-06-30"},
    "totals": {
        "units": 591,
        "columns": 1204,
        "published": 2361,
        "by_level": {
            "department": {"units": 23, "columns": 91, "published": 189},
            "town": {"units": 18, "columns": 90, "published": 516},
            "village": {"units": 550, "columns": 1023, "published": 0},
        },
    },
    "units": [
        unit("zrzy", "自然资源和规划局", "department", 158),
        unit("wgl", "文化广电和旅游局", "department", 16),
        unit("ylbz", "医疗保障局", "department", 16),
        unit("rsj", "人力资源和社会保障局", "department", 4),
        unit("gxw", "工业和科技创新委员会", "department", 0),
        unit("llz", "梨林镇", "town", 5),
        unit("xyz", "下冶镇", "town", 267),
        unit("slz", "思礼镇", "town", 126, complete=False),
        unit("dyz", "大峪镇", "town", 20),
        unit("kjz", "克井镇", "town", 244),
    ],
    "findings": [
        {
            "code": "disclosure-columns-single-item",
            "unit": "kjz",
            "unit_name": "克井镇",
            "level": "town",
            "severity": "problem",
            "message": "多个栏目只更新一条信息",
        },
        {
            "code": "disclosure-columns-single-item",
            "unit": "slz",
            "unit_name": "思礼镇",
            "level": "town",
            "severity": "problem",
            "message": "多个栏目只更新一条信息",
        },
        {
            "code": "disclosure-overview-stale",
            "unit": "wwz",
            "unit_name": "王屋镇",
            "level": "town",
            "severity": "problem",
            "message": "各村居概况超过2年未更新",
        },
        {
            "code": "disclosure-column-stale",
            "unit": "rsj",
            "unit_name": "人力资源和社会保障局",
            "level": "department",
            "severity": "problem",
            "message": "有栏目长期未更新",
        },
        {
            "code": "disclosure-column-stale",
            "unit": "yjj",
            "unit_name": "应急管理局",
            "level": "department",
            "severity": "problem",
            "message": "有栏目长期未更新",
        },
        {
            "code": "disclosure-column-stale",
            "unit": "x",
            "unit_name": "某局",
            "level": "department",
            "severity": "unknown",
            "message": "栏目无法访问",
        },
    ],
}


def export(**changes: Any) -> dict[str, Any]:
    """A whole export for 2022Q2 as of 2022-07-05; keywords replace top-level keys (None
    removes one)."""
    document: dict[str, Any] = {
        "schema": "xunjian.findings/1",
        "generated_at": "2022-07-05T10:00:00+08:00",
        "as_of": "2022-07-05T10:00:00+08:00",
        "period": {"start": "2022-04-01", "end": "2022-06-30", "label": "2022年第二季度"},
        "since": None,
        "totals": {},
        "sites": copy.deepcopy(SITES),
        "accounts": copy.deepcopy(ACCOUNTS),
        "publishing": copy.deepcopy(PUBLISHING),
        "disclosure": copy.deepcopy(DISCLOSURE),
    }
    for key, value in changes.items():
        if value is None:
            document.pop(key, None)
        else:
            document[key] = value
    return document
