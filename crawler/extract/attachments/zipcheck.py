"""The zip container of a DOCX or XLSX, checked before anything is inflated: declared
member sizes and compression ratios (zip bombs), encrypted parts; and a member inflated in
small chunks, never past a limit, whatever size its header declares.
"""

from __future__ import annotations

import zipfile

from crawler.extract.attachments.text import _ENCRYPTED

_MAX_RATIO = 200  # inflated ÷ compressed size past which a big zip member is a bomb
_RATIO_FLOOR_BYTES = 2**20  # members smaller than this are not judged by their ratio
_CHUNK_BYTES = 2**16  # a zip member is inflated this much at a time

_RATIO_BOMB = "压缩比异常(可能为压缩炸弹),未检查"


def _zip_refusal(archive: zipfile.ZipFile, *, max_unzipped_bytes: int) -> str | None:
    """Why the zip is not to be inflated, from its directory alone, or None."""
    total = 0
    for info in archive.infolist():
        if info.file_size > max_unzipped_bytes:
            return _too_big(max_unzipped_bytes)
        if info.file_size > _RATIO_FLOOR_BYTES and info.file_size > _MAX_RATIO * max(
            info.compress_size, 1
        ):
            return _RATIO_BOMB
        if info.filename.endswith((".xml", ".rels")):
            if info.flag_bits & 0x1:
                return _ENCRYPTED
            total += info.file_size
            if total > max_unzipped_bytes:
                return _too_big(max_unzipped_bytes)
    return None


def _too_big(max_unzipped_bytes: int) -> str:
    return f"解压后超过{max_unzipped_bytes / 2**20:g}MB上限(可能为压缩炸弹),未检查"


def _read_member(archive: zipfile.ZipFile, name: str, *, limit: int) -> bytes | None:
    """The member inflated, or None past ``limit`` bytes (whatever its header declares).

    Read in small chunks: zipfile inflates as much as a read asks for before it cuts the
    output to the declared size, so one big read of a lying member would inflate ``limit``.
    """
    chunks: list[bytes] = []
    size = 0
    with archive.open(name) as member:
        while chunk := member.read(_CHUNK_BYTES):
            size += len(chunk)
            if size > limit:
                return None
            chunks.append(chunk)
    return b"".join(chunks)
