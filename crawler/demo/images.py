"""Tiny real images for the demo fleet, generated in code (no image library needed).

``png(seed)`` is a valid PNG thumbnail whose colour follows ``seed``; ``truncated_png`` is
one cut short before its end (the bytes a half-finished upload leaves), and
``MISSING_IMAGE_PAGE`` the HTML a CMS answers with status 200 for an image it lost.
"""

from __future__ import annotations

import struct
import zlib

__all__ = ["MISSING_IMAGE_PAGE", "png", "truncated_png"]

THUMB_WIDTH = 48
THUMB_HEIGHT = 32
MISSING_IMAGE_PAGE = (
    '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>页面不存在</title>'
    '</head><body><div class="error"><h1>404</h1><p>抱歉，您访问的页面不存在或已被删除！</p>'
    '<p><a href="/">返回首页</a></p></div></body></html>\n'
).encode()


def _chunk(tag: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(tag + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)


def png(seed: int, *, width: int = THUMB_WIDTH, height: int = THUMB_HEIGHT) -> bytes:
    """A valid RGB PNG: a two-colour band pattern picked by ``seed``."""
    top = bytes(((seed * 53) % 256, (seed * 97) % 256, (seed * 193) % 256))
    bottom = bytes((255 - top[0], 255 - top[1], 255 - top[2]))
    rows = b"".join(b"\x00" + (top if y < height // 2 else bottom) * width for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows, 9))
        + _chunk(b"IEND", b"")
    )


def truncated_png(seed: int) -> bytes:
    """A PNG whose upload stopped partway: the signature and header, half the data, no end."""
    whole = png(seed)
    return whole[: len(whole) // 2]
