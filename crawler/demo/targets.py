"""The targets file for a running demo fleet, in the shape ``crawler.targets`` loads."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from crawler.demo.model import Fleet
from crawler.demo.styles import style_for
from rules.model import Category

__all__ = ["render_targets"]

_PLAIN = re.compile(r"^[A-Za-z\u4e00-\u9fff][\w\u4e00-\u9fff./:-]*$")
_YAML_WORDS = frozenset({"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"})


def _scalar(value: str) -> str:
    """``value`` as a YAML scalar: plain when unambiguous, else double-quoted."""
    if _PLAIN.match(value) and value.lower() not in _YAML_WORDS:
        return value
    return json.dumps(value, ensure_ascii=False)


def render_targets(fleet: Fleet, base_urls: Mapping[str, str]) -> str:
    """A complete targets file for ``fleet`` served at ``base_urls`` (site id → homepage)."""
    lines = [
        "# The xunjian demo fleet: the 20 sites of 附件1 (2022年第二季度政府网站检查情况),",
        f"# simulated on this machine and dated relative to {fleet.today.isoformat()}.",
        "version: 1",
        "sites:",
    ]
    for site in fleet.sites:
        homepage = base_urls[site.id]
        origin = homepage.rstrip("/")
        style = style_for(site.style)
        lines += [
            f"  - id: {site.id}",
            f"    name: {_scalar(site.name)}",
            f"    homepage: {homepage}",
            f'    site_code: "{site.site_code}"',
            f"    unit: {_scalar(site.unit)}",
            "    robots: respect",
            "    columns:",
        ]
        for column in site.columns:
            lines += [
                f"      - id: {column.id}",
                f"        name: {_scalar(column.name)}",
                f"        url: {origin}{style.column_path(column)}",
                f"        category: {column.category.value}",
            ]
            if column.category is Category.UPDATE:
                lines.append(f"        max_age_days: {column.max_age_days}")
    return "\n".join(lines) + "\n"
