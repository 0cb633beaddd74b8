"""``crawl discover --json``: the proposed columns of a homepage as one JSON document (the
targets.yaml snippet itself is ``crawler.sites.discover.render_snippet``)."""

from __future__ import annotations

from typing import Any

from crawler.sites.discover import Discovery, columns_to_dicts

__all__ = ["discovery_to_dict"]


def discovery_to_dict(discovery: Discovery) -> dict[str, Any]:
    """The homepage, the pages fetched, skipped and failed, and the proposed columns."""
    return {
        "homepage": discovery.homepage,
        "site_name": discovery.site_name,
        "site_code": discovery.site_code,
        "links": discovery.candidates,
        "fetched": discovery.fetched,
        "robots_skipped": discovery.robots_skipped,
        "failed": [{"url": u, "detail": d} for u, d in discovery.failed],
        "columns": columns_to_dicts(discovery.columns),
    }
