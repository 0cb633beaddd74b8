"""The demo fleet: simulated government sites served on loopback.

``demo_fleet(today)`` reproduces the 20 sites of 附件1 of a real inspection notice, with
exactly its update problems (``EXPECTED_PROBLEMS``); ``generated_fleet`` makes any number of
fresh synthetic sites for benchmarks. ``start_fleet`` / ``serve_in_thread`` serve a fleet,
one port per site, and the returned ``RunningFleet`` writes the matching targets file::

    with serve_in_thread(demo_fleet(date.today())) as running:
        running.write_targets(Path("targets.yaml"))
        ...  # crawl

Modules: ``model`` (data), ``fleet`` (the 20 sites), ``generated`` (benchmark fleets),
``assembly`` / ``dating`` / ``wording`` (building dated sites), ``styles`` (CMS page
renderers), ``pages`` (a site's pages as bytes), ``server`` (HTTP), ``targets`` (YAML).
"""

from __future__ import annotations

from crawler.demo.fleet import EXPECTED_PROBLEM_KINDS, EXPECTED_PROBLEMS, demo_fleet
from crawler.demo.generated import generated_fleet
from crawler.demo.model import (
    Charset,
    DemoColumn,
    DemoItem,
    DemoSite,
    Fleet,
    Freshness,
    ProblemKind,
)
from crawler.demo.server import FleetServerError, RunningFleet, serve_in_thread, start_fleet

__all__ = [
    "EXPECTED_PROBLEMS",
    "EXPECTED_PROBLEM_KINDS",
    "Charset",
    "DemoColumn",
    "DemoItem",
    "DemoSite",
    "Fleet",
    "FleetServerError",
    "Freshness",
    "ProblemKind",
    "RunningFleet",
    "demo_fleet",
    "generated_fleet",
    "serve_in_thread",
    "start_fleet",
]
