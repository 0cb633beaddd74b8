"""FetchSettings validation, URL checks and the redirect trail."""

from __future__ import annotations

import pytest

from crawler.fetch import FetchConfigError, FetchSettings
from crawler.fetch.client import check_url, host_key
from crawler.fetch.redirects import RedirectTrail


@pytest.mark.parametrize(
    "overrides",
    [
        {"max_concurrency": 0},
        {"per_host_concurrency": 0},
        {"timeout_s": 0},
        {"attempt_timeout_s": -1},
        {"retry_attempts": 0},
        {"per_host_delay_s": -0.1},
        {"max_redirects": -1},
        {"user_agent": " "},
    ],
)
def test_bad_settings_fail_loudly(overrides: dict[str, object]) -> None:
    with pytest.raises(FetchConfigError, match="fetch setting"):
        FetchSettings(**overrides)  # type: ignore[arg-type]


def test_defaults_are_valid() -> None:
    settings = FetchSettings()
    assert settings.per_host_concurrency == 2
    assert settings.attempt_timeout_s <= settings.timeout_s


@pytest.mark.parametrize(
    "url", ["ftp://a.gov.cn/x", "javascript:void(0)", "/col/list.html", "http://"]
)
def test_unfetchable_urls(url: str) -> None:
    with pytest.raises(FetchConfigError) as info:
        check_url(url)
    assert "http://" in str(info.value)


def test_fragment_is_dropped_and_host_key_has_port() -> None:
    url = check_url("https://www.gov.cn/col/index.html#top")
    assert str(url) == "https://www.gov.cn/col/index.html"
    assert host_key(url) == "https://www.gov.cn:443"
    assert host_key(check_url("http://a.gov.cn:8080/")) == "http://a.gov.cn:8080"


def test_trail_detects_cycle() -> None:
    trail = RedirectTrail(max_redirects=5)
    trail.start("http://a/1", None)
    assert trail.follow("http://a/2", "http", None) is None
    problem = trail.follow("http://a/1", "http", None)
    assert problem == "redirect cycle: http://a/1 → http://a/2 → http://a/1"


def test_trail_same_url_with_new_cookie_is_not_a_cycle() -> None:
    trail = RedirectTrail(max_redirects=5)
    trail.start("http://a/1", None)
    assert trail.follow("http://a/1", "http", "waf=1") is None


def test_trail_cap() -> None:
    trail = RedirectTrail(max_redirects=2)
    trail.start("http://a/0", None)
    assert trail.follow("http://a/1", "http", None) is None
    assert trail.follow("http://a/2", "http", None) is None
    problem = trail.follow("http://a/3", "http", None)
    assert problem is not None
    assert problem.startswith("more than 2 redirects")


def test_trail_refuses_other_schemes() -> None:
    trail = RedirectTrail(max_redirects=5)
    trail.start("http://a/0", None)
    assert trail.follow("ftp://a/file", "ftp", None) == "redirect to a non-HTTP URL 'ftp://a/file'"
