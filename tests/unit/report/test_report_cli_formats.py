"""``crawl report --format`` offers every format the renderers know, without importing them."""

from __future__ import annotations

from crawler.cli.report import FORMATS as CLI_FORMATS
from crawler.report import FORMATS


def test_the_command_line_offers_the_renderers_formats() -> None:
    assert CLI_FORMATS == FORMATS
