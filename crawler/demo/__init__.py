"""The demo fleet: simulated government sites served on loopback.

``demo_fleet(today)`` reproduces the 20 sites of 附件1 of a real inspection notice, with
exactly its update problems (``EXPECTED_PROBLEMS``); ``generated_fleet`` makes any number of
fresh synthetic sites for benchmarks. ``start_fleet`` / ``serve_in_thread`` serve a fleet,
one port per site, and the returned ``RunningFleet`` writes the matching targets file::

    with serve_in_thread(demo_fleet(date.today())) as running:
        running.write_targets(Path("targets.yaml"))
        ...  # crawl

``with_demo_accounts(fleet)`` adds the 98 政务新媒体 accounts of 附件2 (problems in
``EXPECTED_ACCOUNT_PROBLEMS``, judged over ``demo_period(today)``); the server then also runs
an RSSHub and a Weibo API on loopback, and the targets file lists the accounts.

Modules: ``model`` (data), ``fleet`` (the 20 sites), ``portal`` (the portal's columns of
section 二: the notice's 966 items on 2022-05-20), ``generated`` (benchmark fleets),
``assembly`` / ``dating`` / ``wording`` (building dated sites), ``styles`` (CMS page
renderers), ``pages`` (a site's pages as bytes), ``accounts`` (the 98 accounts),
``posting`` (their dated posts), ``account_feeds`` (their feeds and Weibo API pages as
bytes), ``disclosure`` and ``villages`` (the 政务公开 units of 附件3 and the 550 村居),
``server`` (HTTP), ``names`` (a stub DNS server of the sites' domains), ``targets`` (YAML),
``timeline`` (the fleet as of a moment) and ``quarter`` (the simulated quarter:
``crawl demo --period 2022Q2``, docs/demo-quarter.md).
"""

from __future__ import annotations

from crawler.demo.accounts import (
    ATTACHMENT_2,
    EXPECTED_ACCOUNT_PROBLEMS,
    NoticeRow,
    demo_accounts,
    with_demo_accounts,
)
from crawler.demo.fleet import EXPECTED_PROBLEM_KINDS, EXPECTED_PROBLEMS, demo_fleet
from crawler.demo.generated import generated_fleet
from crawler.demo.model import (
    AccountSource,
    Charset,
    DemoAccount,
    DemoColumn,
    DemoItem,
    DemoPost,
    DemoSite,
    Fleet,
    Freshness,
    ProblemKind,
)
from crawler.demo.posting import demo_period
from crawler.demo.server import FleetServerError, RunningFleet, serve_in_thread, start_fleet

__all__ = [
    "ATTACHMENT_2",
    "EXPECTED_ACCOUNT_PROBLEMS",
    "EXPECTED_PROBLEMS",
    "EXPECTED_PROBLEM_KINDS",
    "AccountSource",
    "Charset",
    "DemoAccount",
    "DemoColumn",
    "DemoItem",
    "DemoPost",
    "DemoSite",
    "Fleet",
    "FleetServerError",
    "Freshness",
    "NoticeRow",
    "ProblemKind",
    "RunningFleet",
    "demo_accounts",
    "demo_fleet",
    "demo_period",
    "generated_fleet",
    "serve_in_thread",
    "start_fleet",
    "with_demo_accounts",
]
