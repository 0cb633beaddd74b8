"""A database URL shown to a person never shows its password."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.cli.db import redact
from storage.engine import StorageConfigError, resolve_database_url
from storage.urls import redact_url


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://bob:s3cret@db:5432/x", "postgresql://bob:***@db:5432/x"),
        ("mysql://bob:p@ss/w:rd@db/x", "mysql://bob:***@db/x"),
        ("postgresql://bob@db/x", "postgresql://bob@db/x"),
        ("postgresql://db/x?user=bob&password=s3cret", "postgresql://db/x?user=bob&password=***"),
        ("var/xunjian.sqlite3", "var/xunjian.sqlite3"),
    ],
)
def test_redact_url(url: str, shown: str) -> None:
    assert redact_url(url) == shown
    assert redact(url) == shown  # the CLI uses the same function


@pytest.mark.parametrize(
    "url",
    [
        "mysql://bob:s3cret@db/x",  # an unsupported scheme
        "postgresql://bob:s3cret@db:5432",  # no database
        "postgresql://bob:s3cret@db:notaport/x",  # cannot be parsed
        "oracle://db/x?password=s3cret",
    ],
)
def test_url_errors_hide_the_password(tmp_path: Path, url: str) -> None:
    with pytest.raises(StorageConfigError) as caught:
        resolve_database_url(url, default_path=tmp_path / "x.sqlite3")
    assert "s3cret" not in str(caught.value)
    assert "s3cret" not in caught.value.value
    assert "***" in str(caught.value)
