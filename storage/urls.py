"""Showing a database URL to a person: the password is never printed.

``redact_url`` is the one place that hides it; every error and message that shows a database
URL (``StorageConfigError``, ``crawl db upgrade``) goes through it.
"""

from __future__ import annotations

import re

__all__ = ["redact_url"]

# libpq also takes the password as a query parameter: ?password=… or &password=…
_QUERY_PASSWORD = re.compile(r"([?&]password=)[^&#]*", re.IGNORECASE)


def redact_url(url: str) -> str:
    """``url`` with any password replaced by ``***`` (``scheme://user:***@host/db``).

    The credentials end at the last ``@``, so a password holding ``@`` or ``/`` is hidden
    whole; when in doubt more is hidden, never less.
    """
    scheme, sep, rest = url.partition("://")
    if sep and "@" in rest:
        creds, host = rest.rsplit("@", 1)
        if ":" in creds:
            rest = f"{creds.split(':', 1)[0]}:***@{host}"
        url = f"{scheme}://{rest}"
    return _QUERY_PASSWORD.sub(r"\1***", url)
