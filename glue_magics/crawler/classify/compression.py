"""Whole-file compression, recognised by magic bytes (never by file extension)."""

from __future__ import annotations

import bz2
import gzip
from typing import Protocol


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


GZIP = "gzip"
BZIP2 = "bzip2"

# Formats Glue may meet that we recognise but do not decompress: said so instead of "binary data".
_UNSUPPORTED = (
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"PK\x03\x04", "zip"),
    (b"\x04\x22\x4d\x18", "lz4"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\xff\x06\x00\x00sNaPpY", "snappy"),
)


def detect(head: bytes) -> str | None:
    """``gzip``, ``bzip2`` or None, from a file's first bytes (10 are enough)."""
    if head[:3] == b"\x1f\x8b\x08":  # gzip magic + deflate, the only method gzip defines
        return GZIP
    # "BZh" + block size digit + the block (pi) or end-of-stream (sqrt pi) magic; the extra
    # bytes keep a text file that happens to begin with "BZh" from looking compressed.
    if head[:3] == b"BZh" and head[3:4].isdigit() and head[4:10] in (b"1AY&SY", b"\x17rE8P\x90"):
        return BZIP2
    return None


def unsupported(head: bytes) -> str | None:
    """The name of a compression or archive format we recognise but do not read."""
    for magic, name in _UNSUPPORTED:
        if head.startswith(magic):
            return name
    return None


def decompressing(raw: Readable, kind: str | None) -> Readable:
    """A binary stream of the decompressed content of ``raw`` (``raw`` itself when uncompressed).

    Decompression is lazy: only what is read gets decompressed, so sampling stays bounded."""
    if kind == GZIP:
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[call-overload]
    if kind == BZIP2:
        return bz2.BZ2File(raw, mode="rb")  # type: ignore[call-overload]
    return raw
