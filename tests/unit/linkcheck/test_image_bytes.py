"""Magic bytes, whole files and the verdict of one image response; own versus external."""

from __future__ import annotations

import struct
import zlib
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from crawler.demo.images import MISSING_IMAGE_PAGE, png, truncated_png
from crawler.fetch import FetchResult
from crawler.sites.linkcheck.domains import is_external, site_key
from crawler.sites.linkcheck.imagebytes import image_format, missing_end
from crawler.sites.linkcheck.verdicts import image_verdict, link_verdict
from rules.links import LinkVerdict
from rules.model import Outcome
from tests.support.loopsite import CHALLENGE

GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00"
    b"!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01"
WEBP = b"RIFF" + struct.pack("<I", 12) + b"WEBPVP8 " + b"\x00" * 4
BMP = b"BM" + struct.pack("<I", 30) + b"\x00" * 24
ICO = b"\x00\x00\x01\x00\x01\x00" + b"\x00" * 16
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"></svg>'


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (png(1), "png"),
        (JPEG_HEAD + b"\x00" * 20 + b"\xff\xd9", "jpeg"),
        (GIF, "gif"),
        (WEBP, "webp"),
        (BMP, "bmp"),
        (ICO, "ico"),
        (SVG, "svg"),
        (b"<svg viewBox='0 0 1 1'></svg>", "svg"),
        (MISSING_IMAGE_PAGE, None),
        (b"%PDF-1.4", None),
        (b"", None),
    ],
)
def test_image_format_by_magic_bytes(data: bytes, kind: str | None) -> None:
    assert image_format(data) == kind


def test_whole_files_must_end_as_their_format_requires() -> None:
    assert missing_end("png", png(2)) is None
    assert missing_end("png", truncated_png(2)) is not None
    assert missing_end("jpeg", JPEG_HEAD + b"\x00" * 20 + b"\xff\xd9") is None
    assert missing_end("jpeg", JPEG_HEAD + b"\x00" * 20 + b"\xff\xd9" + b"\x00" * 8) is None
    assert missing_end("jpeg", JPEG_HEAD + b"\x00" * 20) is not None
    assert missing_end("gif", GIF) is None
    assert missing_end("gif", GIF[:-1]) is not None
    assert missing_end("webp", WEBP) is None
    assert missing_end("webp", WEBP[:-2]) is not None
    assert missing_end("bmp", BMP) is None
    assert missing_end("bmp", BMP[:-1]) is not None


def test_a_generated_thumbnail_is_a_real_png() -> None:
    data = png(9, width=4, height=2)
    assert data[12:16] == b"IHDR"
    assert struct.unpack(">II", data[16:24]) == (4, 2)
    idat = data.index(b"IDAT")
    (length,) = struct.unpack(">I", data[idat - 4 : idat])
    raw = zlib.decompress(data[idat + 4 : idat + 4 + length])
    assert len(raw) == 2 * (1 + 4 * 3)


def result(
    body: bytes | None,
    content_type: str | None = "image/png",
    *,
    outcome: Outcome = Outcome.OK,
    status: int | None = 200,
    complete: bool = True,
) -> FetchResult:
    return FetchResult(
        url="http://x/a.png",
        final_url="http://x/a.png",
        outcome=outcome,
        status=status,
        fetched_at=datetime(2022, 6, 20, tzinfo=UTC),
        elapsed_s=0.01,
        attempts=1,
        bytes_read=len(body or b""),
        body=body,
        text=None,
        encoding=None,
        content_type=content_type,
        etag=None,
        last_modified=None,
        detail=None,
        complete=complete,
    )


def test_image_verdicts() -> None:
    assert image_verdict(result(png(1)))[0] is LinkVerdict.OK
    assert image_verdict(result(png(1), "application/octet-stream"))[0] is LinkVerdict.OK
    assert image_verdict(result(MISSING_IMAGE_PAGE, "image/jpeg"))[0] is LinkVerdict.NOT_IMAGE
    assert image_verdict(result(b"%PDF-1.4 ...", "image/png"))[0] is LinkVerdict.NOT_IMAGE
    assert image_verdict(result(b""))[0] is LinkVerdict.EMPTY
    assert image_verdict(result(truncated_png(3)))[0] is LinkVerdict.TRUNCATED
    # read only partly (a big image): the magic bytes are enough, the end is not judged
    assert image_verdict(result(truncated_png(3), complete=False))[0] is LinkVerdict.OK
    # a WAF page answering 200 instead of the image is blocked, not "not an image"
    assert image_verdict(result(CHALLENGE.encode(), "text/html"))[0] is LinkVerdict.BLOCKED
    failed = result(None, None, outcome=Outcome.HTTP_ERROR, status=404)
    assert image_verdict(failed)[0] is LinkVerdict.HTTP_ERROR
    for outcome, verdict in [
        (Outcome.TIMEOUT, LinkVerdict.TIMEOUT),
        (Outcome.CONNECT_ERROR, LinkVerdict.UNREACHABLE),
        (Outcome.DNS_ERROR, LinkVerdict.UNREACHABLE),
        (Outcome.NETWORK_ERROR, LinkVerdict.UNREACHABLE),
        (Outcome.BLOCKED, LinkVerdict.BLOCKED),
        (Outcome.ROBOTS_DISALLOWED, LinkVerdict.NOT_CHECKED),
    ]:
        assert image_verdict(replace(failed, outcome=outcome, status=None))[0] is verdict
        assert link_verdict(replace(failed, outcome=outcome, status=None))[0] is verdict
    assert link_verdict(result(b"", "text/html"))[0] is LinkVerdict.OK


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("http://www.jiyuan.gov.cn/a.html", "jiyuan.gov.cn"),
        ("https://jyty.jiyuan.gov.cn/", "jiyuan.gov.cn"),
        ("http://www.henan.gov.cn/", "henan.gov.cn"),
        ("http://www.gov.cn/", "www.gov.cn"),
        ("http://news.example.com/x", "example.com"),
        ("http://a.b.zz.ha.cn/", "zz.ha.cn"),
        ("http://127.0.0.1:8080/x", "127.0.0.1:8080"),
        ("http://[::1]/x", "::1:80"),
        ("http://localhost:9/x", "localhost:9"),
        ("not a url", None),
    ],
)
def test_site_keys(url: str, key: str | None) -> None:
    assert site_key(url) == key


def test_external_links() -> None:
    assert not is_external("http://jyty.jiyuan.gov.cn/a", "http://www.jiyuan.gov.cn/")
    assert is_external("http://www.henan.gov.cn/", "http://www.jiyuan.gov.cn/")
    assert is_external("http://127.0.0.1:2/", "http://127.0.0.1:1/")
    assert not is_external("http://127.0.0.1:1/a", "http://127.0.0.1:1/")
