"""Notifications after the nightly run, to loopback stand-ins of every channel kind that check
what the real platforms check (signatures, sizes), over SQLite and Postgres: new findings
reach each channel once, a rerun sends nothing again, a fixed column is told as resolved, a
channel that is down is retried and never fails the crawl, and what it missed is sent later.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from crawler.fetch import FetchSettings
from crawler.notify import send_test
from crawler.operations.jobs import crawl_targets
from crawler.operations.nightly import SchedulePlan, _crawl_job, _notify_watch
from crawler.operations.scheduler import ScheduleSettings
from crawler.targets import Targets, parse_targets
from rules.model import local_date
from storage import batches, repository
from storage.models import notification_table
from tests.support.loopsite import Site as LoopSite
from tests.support.loopsite import list_page, serve_loop_site
from tests.support.receivers import SECRET, Receivers, serve_receivers, serve_smtp

NOW = datetime.now(UTC)
TODAY = local_date(NOW)
SETTINGS = FetchSettings(
    per_host_delay_s=0, jitter_s=0, timeout_s=5, connect_timeout_s=1,
    retry_base_wait_s=0, retry_max_wait_s=0.1,
)  # fmt: skip
HTML = "text/html; charset=utf-8"
ENV = {
    "T_WECOM": "",  # set per test: the receivers' port is known only then
    "T_DING_SECRET": SECRET,
    "T_FEISHU_SECRET": SECRET,
    "T_HOOK_SECRET": SECRET,
}


def rows(*ages: int) -> list[tuple[str, str]]:
    return [
        (f"关于开展第{i}次专项检查工作的通知", (TODAY - timedelta(days=age)).isoformat())
        for i, age in enumerate(ages)
    ]


@pytest.fixture
async def site() -> AsyncIterator[LoopSite]:
    async with serve_loop_site() as loop:
        loop.pages = {
            "/": (200, HTML, list_page(rows(0, 1, 2))),
            "/fresh/": (200, HTML, list_page(rows(1, 3, 5))),
            "/stale/": (200, HTML, list_page(rows(20, 30, 40))),
        }
        yield loop


def fleet(loop: LoopSite, receivers: Receivers, smtp_port: int) -> Targets:
    return parse_targets(f"""
version: 1
sites:
  - id: yj
    name: 应急管理局网站
    unit: 应急管理局
    homepage: {loop.url("/")}
    columns:
      - {{id: fresh, name: 工作动态, url: "{loop.url("/fresh/")}", category: news}}
      - {{id: stale, name: 图片新闻, url: "{loop.url("/stale/")}", category: news}}
notify:
  base_url: http://127.0.0.1:8080
  channels:
    - {{name: wecom, kind: wecom, url_env: T_WECOM, units: [应急管理局]}}
    - {{name: ding, kind: dingtalk, url_env: T_DING, secret_env: T_DING_SECRET}}
    - {{name: feishu, kind: feishu, url_env: T_FEISHU, secret_env: T_FEISHU_SECRET}}
    - {{name: hook, kind: webhook, url: "{receivers.url("/webhook")}", secret_env: T_HOOK_SECRET}}
    - name: mail
      kind: email
      smtp: {{host: 127.0.0.1, port: {smtp_port}, security: none}}
      from: xunjian@example.cn
      to: [office@example.cn]
""")


def env_for(receivers: Receivers) -> dict[str, str]:
    return {
        **ENV,
        "T_WECOM": receivers.url("/wecom?key=abc"),
        "T_DING": receivers.url("/dingtalk?access_token=tok"),
        "T_FEISHU": receivers.url("/feishu/hook/tok"),
    }


def nightly(engine: AsyncEngine, targets: Targets) -> Any:
    return _crawl_job(nightly_plan(engine, targets), engine)(NOW)


def nightly_plan(engine: AsyncEngine, targets: Targets) -> SchedulePlan:
    return SchedulePlan(
        targets=targets,
        db=engine.url.render_as_string(hide_password=False),
        fetch_settings=SETTINGS,
        keep_bodies_days=400,
        schedule=ScheduleSettings(),
        metrics_port=None,
        link_checks=None,
        browser=None,
    )


def count(receivers: Receivers, mails: list[Any]) -> dict[str, int]:
    found = {root: len(bodies) for root, bodies in receivers.received.items()}
    return {**found, "mail": len(mails)}


async def test_new_findings_reach_every_channel_once_and_resolved_ones_follow(
    engine: AsyncEngine, site: LoopSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve_smtp() as box:
        async with serve_receivers() as receivers:
            for name, value in env_for(receivers).items():
                monkeypatch.setenv(name, value)
            targets = fleet(site, receivers, box.port)
            await nightly(engine, targets)
            assert receivers.refused == []
            once = {"/wecom": 1, "/dingtalk": 1, "/feishu": 1, "/webhook": 1, "mail": 1}
            assert count(receivers, box.mails) == once
            wecom = receivers.received["/wecom"][0]["markdown"]["content"]
            assert "发现1个新问题" in wecom
            assert "应急管理局网站·图片新闻" in wecom
            assert "http://127.0.0.1:8080/findings/" in wecom
            (hook,) = receivers.received["/webhook"]
            assert hook["schema"] == "xunjian.notification/1"
            (entry,) = hook["new"]
            found = (entry["code"], entry["column"], entry["unit"])
            assert found == ("column-stale", "stale", "应急管理局")
            assert entry["evidence"]["url"] == site.url("/stale/")
            mail = box.mails[0]
            assert "发现1个新问题" in str(make_header(decode_header(mail["Subject"])))
            assert "图片新闻" in mail.get_payload(decode=True).decode()

            # The next night finds the same: nothing is sent again.
            await nightly(engine, targets)
            assert count(receivers, box.mails) == once

            # The column is updated: every channel is told it was fixed, once.
            site.pages["/stale/"] = (200, HTML, list_page(rows(0, 30, 40)))
            await nightly(engine, targets)
            await nightly(engine, targets)
            twice = {key: 2 for key in once}
            assert count(receivers, box.mails) == twice
            assert receivers.received["/dingtalk"][1]["markdown"]["text"].count("已整改") >= 1
            assert [e["column"] for e in receivers.received["/webhook"][1]["resolved"]] == ["stale"]
    async with engine.connect() as connection:
        log = (await connection.execute(select(notification_table))).all()
    assert len(log) == 10
    assert all(row.sent_at is not None and row.error is None for row in log)


async def test_a_channel_that_is_down_never_fails_the_crawl_and_is_caught_up(
    engine: AsyncEngine,
    site: LoopSite,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr("crawler.notify.sending._WAIT_MIN_S", 0.01)
    monkeypatch.setattr("crawler.notify.sending.MIN_INTERVAL_S", {})
    with serve_smtp() as box:
        async with serve_receivers() as receivers:
            for name, value in env_for(receivers).items():
                monkeypatch.setenv(name, value)
            targets = fleet(site, receivers, box.port)
            receivers.fail_next["/dingtalk"] = 99  # down for this night
            receivers.fail_next["/feishu"] = 2  # two 503s, then fine: retried
            receivers.rate_limit_next["/wecom"] = 1  # 45009: the robot's rate limit, retried
            with caplog.at_level(logging.ERROR, logger="crawler.notify"):
                run_id = await nightly(engine, targets)
            assert isinstance(run_id, int)  # the crawl completed
            assert receivers.attempts["/dingtalk"] == 4
            assert "/dingtalk" not in receivers.received
            assert len(receivers.received["/feishu"]) == 1
            assert len(receivers.received["/wecom"]) == 1
            assert any(
                "notify ding: not sent after 4 attempts" in r.message for r in caplog.records
            )

            # Back up: the next night tells it what it missed, and only it.
            receivers.fail_next.clear()
            await nightly(engine, targets)
            assert len(receivers.received["/dingtalk"]) == 1
            assert "发现1个新问题" in receivers.received["/dingtalk"][0]["markdown"]["text"]
            assert len(receivers.received["/feishu"]) == 1
    async with engine.connect() as connection:
        errors = (
            await connection.execute(
                select(notification_table.c.channel, notification_table.c.error).where(
                    notification_table.c.sent_at.is_(None)
                )
            )
        ).all()
    assert [(channel, error.startswith("HTTP 503")) for channel, error in errors] == [
        ("ding", True)
    ]


async def test_a_wrong_secret_is_not_retried_and_says_what_the_platform_said(
    engine: AsyncEngine, site: LoopSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with serve_receivers() as receivers:
        for name, value in env_for(receivers).items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("T_DING_SECRET", "SECwrong")
        with serve_smtp() as box:
            targets = fleet(site, receivers, box.port)
            sent = await send_test(engine, targets.notify.channel("ding"), now=NOW)
            assert not sent.ok
            assert sent.attempts == 1
            assert sent.error == "the platform answered 310000: sign not match"
            monkeypatch.delenv("T_WECOM")
            missing = await send_test(engine, targets.notify.channel("wecom"), now=NOW)
            assert missing.error is not None
            assert "the environment variable T_WECOM (url_env) is not set" in missing.error
            ok = await send_test(engine, targets.notify.channel("mail"), now=NOW)
            assert ok.ok
            assert len(box.mails) == 1


async def test_a_distributed_night_is_told_once_it_is_done(
    engine: AsyncEngine, site: LoopSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve_smtp() as box:
        async with serve_receivers() as receivers:
            for name, value in env_for(receivers).items():
                monkeypatch.setenv(name, value)
            targets = fleet(site, receivers, box.port)
            db = engine.url.render_as_string(hide_password=False)
            # the findings, as the workers' runs store them
            await crawl_targets(
                targets=targets, wanted=("yj",), db=db, now=NOW, settings=SETTINGS,
                show_progress=False, keep_bodies_days=400, link_checks=None, browser=None,
            )  # fmt: skip
            plan = replace(nightly_plan(engine, targets), distributed=True)
            watch = _notify_watch(plan, engine)
            assert watch is not None
            assert await watch(NOW) == "the night is not done yet"  # no night deferred yet
            sessions = async_sessionmaker(engine)
            async with sessions() as session, session.begin():
                night = await batches.create_batch(
                    session, created_at=NOW, reason="scheduled", sites=1, accounts=0
                )
            assert await watch(NOW) == "the night is not done yet"
            assert dict(receivers.received) == {}
            async with sessions() as session, session.begin():
                run_id = await repository.start_run(session, scope="yj", started_at=NOW)
                await batches.link_run(session, batch_id=night, run_id=run_id)
                await repository.finish_run(
                    session, run_id, status="completed", finished_at=NOW, stats={}
                )
            assert await watch(NOW) == "5 messages sent, 0 not"
            assert await watch(NOW) == "0 messages sent, 0 not"  # told once
    assert _notify_watch(replace(plan, distributed=False), engine) is None
