"""A 公示 page that publishes people's 身份证号 and phone numbers, crawled for real into SQLite
and Postgres: an advisory personal-data-exposed finding whose evidence has every number masked,
and no number kept whole anywhere but in the page's own stored body."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from crawler.fetch import FetchSettings
from crawler.operations.jobs import crawl_targets
from crawler.targets import parse_targets
from rules.model import local_date
from storage.models import finding_state_table, finding_table, snapshot_table
from tests.support.loopsite import Site as LoopSite
from tests.support.loopsite import list_page

NOW = datetime.now(UTC)
TODAY = local_date(NOW)
HTML = "text/html; charset=utf-8"
SETTINGS = FetchSettings(per_host_delay_s=0, jitter_s=0, timeout_s=5, retry_base_wait_s=0)
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


PEOPLE = [
    ("张三", id_number("41010219900101123"), "13812345678"),
    ("李四", id_number("41088119850612004"), "13987654321"),
    ("王五", id_number("41088119770305321"), "15011112222"),
]


def gongshi_page() -> str:
    rows = "".join(
        f"<tr><td>{name}</td><td>{number}</td><td>{phone}</td></tr>"
        for name, number, phone in PEOPLE
    )
    dated = [
        (f"关于第{i}批低保对象的公示", (TODAY - timedelta(days=i)).isoformat()) for i in range(3)
    ]
    listing = list_page(dated)
    return listing.replace("</body>", f"<table class='gs'>{rows}</table></body>")


async def test_a_page_of_ids_and_phones_is_flagged_and_masked(
    site: LoopSite, engine: AsyncEngine
) -> None:
    site.pages = {
        "/": (200, HTML, list_page([("首页新闻", TODAY.isoformat())] * 3)),
        "/gs/": (200, HTML, gongshi_page()),
    }
    targets = parse_targets(f"""
sites:
  - id: mz
    name: 民政局网站
    homepage: {site.url("/")}
    columns:
      - {{id: gs, name: 公示公告, url: "{site.url("/gs/")}", category: notice}}
""")
    db = engine.url.render_as_string(hide_password=False)
    report = await crawl_targets(
        targets=targets, wanted=(), db=db, now=NOW, settings=SETTINGS,
        show_progress=False, keep_bodies_days=400, link_checks=None, browser=None,
    )  # fmt: skip
    (mz,) = report.sites
    found = [f for f in mz.findings if f.code == "personal-data-exposed"]
    assert [f.message for f in found] == [
        "公示公告栏目页疑似公开未脱敏的个人信息(身份证号3个、手机号3个)"
    ]
    detail = found[0].evidence.detail or ""
    assert "4101**********" in detail
    assert "138****5678" in detail
    async with engine.connect() as connection:
        kept = [
            str(value)
            for table, columns in (
                (snapshot_table, ("personal_data", "detail", "meta")),
                (finding_table, ("message", "evidence")),
                (finding_state_table, ("message", "evidence")),
            )
            for row in (await connection.execute(select(*(table.c[c] for c in columns)))).all()
            for value in row
        ]
    for _, number, phone in PEOPLE:
        for value in kept:
            assert number not in value
            assert phone not in value
            assert number[:14] not in value  # nor most of it
