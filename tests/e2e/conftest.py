from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.demo_crawl import DemoCrawl, crawl_demo


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    """An isolated XUNJIAN_HOME so the tests never touch the user's database."""
    return {"XUNJIAN_HOME": str(tmp_path / "home")}


@pytest.fixture(scope="session")
def demo_crawl(tmp_path_factory: pytest.TempPathFactory) -> DemoCrawl:
    """The demo crawled once for the whole run (a crawl of the fleet takes ~15 s): the tests
    that use it read its JSON, or run read-only commands on its database.

    Under pytest-xdist the workers share it: the first to ask crawls, in the run's common
    temp folder, while a second one waits for it (a lock file)."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    return crawl_demo(shared / "demo-home")


@pytest.hookimpl(tryfirst=True)  # before -m deselects
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every e2e test is ``slow``: each runs the real ``crawl`` in a subprocess (about a second
    to start), several crawl."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.slow)
