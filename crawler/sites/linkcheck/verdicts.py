"""From a fetch result to a link or image verdict.

A failure of the request itself (timeout, DNS, refused connection, TLS, a transfer broken
midway, a redirect loop) is ``timeout`` / ``unreachable``: it may be ours as much as the
site's, so it is never "broken". An anti-bot page is ``blocked``; a URL robots.txt refuses is
``not_checked``, and so is one on an internal address the address policy refuses
(``address_refused``). An image is judged by its BYTES: browsers sniff images, so an image served
as ``application/octet-stream`` still displays, while an HTML page served as ``image/jpeg``
does not. A body that ends before the Content-Length it announced breaks the transfer
(``unreachable``: the network may have cut it); a whole file that stops short of its format's
end is ``truncated``. An external link's page, read from its start, is ``hijacked`` when it
shows gambling, pornography, illegal loans or a parked domain (``crawler.extract.landing``).
"""

from __future__ import annotations

from crawler.extract.landing import classify_landing
from crawler.fetch import FetchResult, decode_html, detect_challenge
from crawler.fetch.media import parse_content_type
from crawler.sites.linkcheck.imagebytes import image_format, missing_end
from rules.links import LinkVerdict, hijacked_detail
from rules.model import Outcome

__all__ = ["image_verdict", "landing_verdict", "link_verdict", "request_failure"]

_UNREACHABLE = frozenset(
    {
        Outcome.DNS_ERROR,
        Outcome.CONNECT_ERROR,
        Outcome.TLS_ERROR,
        Outcome.NETWORK_ERROR,
        Outcome.REDIRECT_LOOP,
        Outcome.TOO_LARGE,
        Outcome.NOT_HTML,
        Outcome.NOT_MODIFIED,
    }
)
_MARKUP = (b"<!doctype", b"<html", b"<head", b"<body", b"<?xml", b"<")
_PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_UNTYPED = frozenset({None, "text/plain", "application/octet-stream"})  # sniffed

Verdict = tuple[LinkVerdict, str | None]


def request_failure(result: FetchResult) -> Verdict | None:
    """The verdict of a request that did not get a 2xx answer, or None when it did."""
    outcome = result.outcome
    if outcome is Outcome.OK:
        return None
    if outcome is Outcome.HTTP_ERROR:
        return LinkVerdict.HTTP_ERROR, result.detail
    if outcome is Outcome.TIMEOUT:
        return LinkVerdict.TIMEOUT, result.detail
    if outcome is Outcome.BLOCKED:
        return LinkVerdict.BLOCKED, result.detail
    if outcome in (Outcome.ROBOTS_DISALLOWED, Outcome.ADDRESS_REFUSED):
        return LinkVerdict.NOT_CHECKED, result.detail
    assert outcome in _UNREACHABLE, outcome
    return LinkVerdict.UNREACHABLE, f"{outcome.value}: {result.detail or ''}".rstrip(": ")


def link_verdict(result: FetchResult) -> Verdict:
    """A linked page: any 2xx answer after redirects is fine."""
    return request_failure(result) or (LinkVerdict.OK, None)


def landing_verdict(result: FetchResult) -> Verdict:
    """An external link from a capped GET: any 2xx answer is fine, unless it is a web page
    that is an anti-bot challenge (``blocked``) or shows what ``classify_landing`` finds."""
    failed = request_failure(result)
    if failed is not None:
        return failed
    body = result.body or b""
    if not _is_page(result.content_type, body):
        return LinkVerdict.OK, None
    text, _ = decode_html(body, result.content_type)
    challenge = detect_challenge(result.status or 200, text)
    if challenge is not None:
        return LinkVerdict.BLOCKED, challenge
    landing = classify_landing(text, result.final_url or result.url)
    if landing is None:
        return LinkVerdict.OK, None
    return LinkVerdict.HIJACKED, hijacked_detail(landing.kind, landing.found)


def _is_page(content_type: str | None, body: bytes) -> bool:
    """A web page by its type, or by its first bytes when the type says nothing."""
    mime, _ = parse_content_type(content_type)
    if mime in _PAGE_TYPES:
        return True
    head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return mime in _UNTYPED and head.startswith(_MARKUP)


def image_verdict(result: FetchResult) -> Verdict:
    """An image from a capped GET: its first bytes, and its end when it was read whole."""
    failed = request_failure(result)
    if failed is not None:
        return failed
    body = result.body or b""
    mime, _ = parse_content_type(result.content_type)
    shown = mime or "no content type"
    if not body:
        return LinkVerdict.EMPTY, f"HTTP {result.status} with an empty body ({shown})"
    kind = image_format(body)
    if kind is None:
        head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if head.startswith(_MARKUP):
            text, _ = decode_html(body, result.content_type)
            challenge = detect_challenge(result.status or 200, text)
            if challenge is not None:
                return LinkVerdict.BLOCKED, challenge
            return LinkVerdict.NOT_IMAGE, f"answers with a web page ({shown}), not an image"
        return LinkVerdict.NOT_IMAGE, f"{shown}; the bytes are no known image format"
    if not result.complete:
        return LinkVerdict.OK, f"{kind}; first {len(body)} bytes read"
    short = missing_end(kind, body)
    if short is not None:
        return LinkVerdict.TRUNCATED, f"{short} ({len(body)} bytes)"
    if mime is not None and not mime.startswith("image/"):
        return LinkVerdict.OK, f"{kind} served as {mime} (browsers still show it)"
    return LinkVerdict.OK, None
