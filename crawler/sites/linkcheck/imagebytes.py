"""Whether bytes are an image: the format's magic bytes, and whether a whole file ends as its
format requires (a truncated upload is the classic "图片不显示" that still answers 200).

Formats: PNG, JPEG, GIF, WebP, BMP, ICO, SVG. The end check is made only where the format
has a reliable end: PNG's ``IEND`` chunk, JPEG's ``FFD9`` marker (trailing bytes after it
are tolerated, as browsers do), GIF's ``;`` trailer, WebP's RIFF size, BMP's file size.
"""

from __future__ import annotations

import re
import struct

__all__ = ["image_format", "missing_end"]

SNIFF_BYTES = 512
_SVG = re.compile(rb"<svg[\s>]", re.I)
_JPEG_TAIL_BYTES = 1024  # bytes after FFD9 that still count as a complete JPEG (padding, EXIF)


def image_format(head: bytes) -> str | None:
    """The image format the first bytes announce (``png``, ``jpeg`` …), or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"BM") and len(head) >= 6:
        return "bmp"
    if head.startswith((b"\x00\x00\x01\x00", b"\x00\x00\x02\x00")):
        return "ico"
    text = head[:SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith((b"<?xml", b"<svg", b"<!--", b"<!DOCTYPE svg", b"<!doctype svg")):
        if _SVG.search(head[:4096]):
            return "svg"
    return None


def missing_end(kind: str, data: bytes) -> str | None:
    """Why a WHOLE file of format ``kind`` stops short, or None when it ends as it should."""
    if kind == "png":
        if b"IEND" not in data[-16:]:
            return "PNG without its IEND chunk: the file stops short"
    elif kind == "jpeg":
        end = data.rfind(b"\xff\xd9")
        if end < 2 or len(data) - (end + 2) > _JPEG_TAIL_BYTES:
            return "JPEG without its end-of-image marker: the file stops short"
    elif kind == "gif":
        if not data.rstrip(b"\x00").endswith(b";"):
            return "GIF without its trailer: the file stops short"
    elif kind == "webp":
        if len(data) >= 8:
            (size,) = struct.unpack("<I", data[4:8])
            if len(data) < size + 8:
                return (
                    f"WebP of {len(data)} bytes, its header says {size + 8}: the file stops short"
                )
    elif kind == "bmp" and len(data) >= 6:
        (size,) = struct.unpack("<I", data[2:6])
        if len(data) < size:
            return f"BMP of {len(data)} bytes, its header says {size}: the file stops short"
    return None
