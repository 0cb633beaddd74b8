"""What every test shares: the root logger put back after each test.

A command run in-process (click's CliRunner) configures logging as the command does: with -vv,
DEBUG to stderr. Left so, a later test's background threads (aiosqlite's) would log past
pytest's capture into the run's own output.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _root_logger_restored() -> Iterator[None]:
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    yield
    for handler in list(root.handlers):
        if handler not in handlers and not type(handler).__module__.startswith("_pytest"):
            root.removeHandler(handler)
    root.setLevel(level)
