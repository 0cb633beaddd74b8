"""When a fetched page goes to the browser, and what its fetch then records.

A page goes to the browser when its fetch was ``blocked`` (a challenge or WAF page), or when
it came back ``ok`` as a script shell: no list found on a page whose scripts may build one
(a challenge's 200 shell, or a list container filled from a JSON call). What the browser
read is recorded as ``rendered`` — the page's content, judged like any other. What it could
not read leaves the fetch as it was (``blocked``, a page without a list), with the browser's
reason added to its detail: never a staleness finding either way.
"""

from __future__ import annotations

import re
from dataclasses import replace

from crawler.browser.renderer import Rendered
from crawler.extract import PageExtraction
from crawler.fetch import FetchResult
from rules.model import Outcome

__all__ = ["needs_browser", "not_rendered", "rendered_result"]

_SCRIPT = re.compile(r"<script\b", re.I)


def needs_browser(result: FetchResult, extraction: PageExtraction | None) -> bool:
    """True when a browser may read what this fetch could not."""
    if result.outcome is Outcome.BLOCKED:
        return True
    if result.outcome is not Outcome.OK or result.text is None or extraction is None:
        return False
    if extraction.list_found or extraction.refused is not None:
        return False
    return _SCRIPT.search(result.text) is not None


def rendered_result(result: FetchResult, rendered: Rendered) -> FetchResult:
    """The fetch as the browser read it: ``rendered``, the page's HTML as its body."""
    if not rendered.ok or rendered.html is None:
        raise ValueError(f"{rendered.url} was not read in the browser: {rendered.detail}")
    body = rendered.html.encode("utf-8")
    before = result.detail or (f"HTTP {result.status}" if result.status else result.outcome.value)
    return replace(
        result,
        final_url=rendered.final_url,
        outcome=Outcome.RENDERED,
        status=rendered.status,
        elapsed_s=result.elapsed_s + rendered.elapsed_s,
        attempts=result.attempts + 1,
        bytes_read=len(body),
        body=body,
        text=rendered.html,
        encoding="utf-8",
        content_type="text/html; charset=utf-8",
        etag=None,
        last_modified=None,
        detail=f"read in a browser ({before})",
        declared_length=None,
        complete=True,
    )


def not_rendered(result: FetchResult, rendered: Rendered) -> FetchResult:
    """The fetch as it was, saying why the browser did not read it either."""
    reason = f"not read in a browser: {rendered.detail}"
    detail = f"{result.detail}; {reason}" if result.detail else reason
    return replace(result, detail=detail)
