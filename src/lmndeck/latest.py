"""Anki's latest package format (``PackageMetadata`` version 3, what Anki exports by default),
written only when asked for (``lmndeck build --package-format latest``): the collection as
``collection.anki21b``, compressed with zstd; a ``meta`` entry saying the version; the media map
as zstd-compressed ``MediaEntries`` (protocol buffers), each file named, sized and hashed; and
each media file compressed with zstd. Every entry is stored in the zip as it is. Which clients
import it, and what Anki's importer requires of it: docs/package-formats.md.

zstd comes from the ``zstandard`` package (the ``latest`` extra), imported only here and only
when the format is used: a legacy build never needs it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from types import ModuleType
from typing import TYPE_CHECKING, BinaryIO, Literal

from lmndeck.problems import NOWHERE, Code, ContentError, Problem

if TYPE_CHECKING:
    import zstandard

    from lmndeck.media import Image

PackageFormat = Literal["legacy", "latest"]
PACKAGE_FORMATS: tuple[PackageFormat, ...] = ("legacy", "latest")

COLLECTION_ENTRY = "collection.anki21b"
# PackageMetadata { version: VERSION_LATEST (3) }: field 1, a varint.
META = b"\x08\x03"
# Anki's own level (its exporter asks for zstd's default, 3). One thread, whatever the size:
# zstd's multithreaded frames depend on how many threads ran, so the bytes would not.
_LEVEL = 3


def zstd() -> ModuleType:
    """The ``zstandard`` module; a ``ContentError`` (error[no-zstd]) when it is not installed."""
    try:
        import zstandard
    except ImportError:
        raise ContentError([_NO_ZSTD]) from None
    return zstandard


_NO_ZSTD = Problem(
    NOWHERE,
    "the latest package format is compressed with zstd, and the 'zstandard' package is not "
    "installed",
    "install lmndeck's latest extra into lmndeck's Python: .venv/bin/pip install -e '.[latest]' "
    "in lmndeck's folder, or build the default (legacy) format",
    code=Code.NO_ZSTD,
)


def compress(data: bytes) -> bytes:
    """One zstd frame of ``data``, with its size in the frame header and no checksum."""
    return bytes(_compressor().compress(data))


def compress_file(file: BinaryIO) -> bytes:
    """The file's bytes in one zstd frame, as ``compress`` makes, read a piece at a time: the
    collection is never held twice."""
    compressor = _compressor().compressobj(size=os.fstat(file.fileno()).st_size)
    pieces = [compressor.compress(piece) for piece in iter(lambda: file.read(1 << 20), b"")]
    return b"".join([*pieces, compressor.flush()])


def decompress(data: bytes, limit: int) -> bytes:
    """What the zstd frame ``data`` holds; ``ValueError`` for bytes that are not one, or that
    inflate past ``limit`` bytes (found without inflating further)."""
    module = zstd()
    out = bytearray()
    try:
        reader = module.ZstdDecompressor().stream_reader(data)
        while piece := reader.read(1 << 20):
            out += piece
            if len(out) > limit:
                raise ValueError(f"would inflate from {len(data):,} bytes to more than {limit:,}")
    except module.ZstdError as error:
        raise ValueError(f"is not zstd: {error}") from None
    return bytes(out)


def _compressor() -> zstandard.ZstdCompressor:
    compressor: zstandard.ZstdCompressor = zstd().ZstdCompressor(
        level=_LEVEL, write_content_size=True, write_checksum=False, threads=0
    )
    return compressor


def media_entries(media: Iterable[Image]) -> bytes:
    """The ``MediaEntries`` message of ``media``, in order (file N is zip entry "N"): each
    entry's name (field 1), size (2) and SHA-1 (3), which Anki's importer trusts as given."""
    return b"".join(_field(1, _media_entry(image)) for image in media)


def _media_entry(image: Image) -> bytes:
    return (
        _field(1, image.name.encode("utf-8"))
        + b"\x10"  # field 2, a varint
        + _varint(len(image.data))
        + _field(3, hashlib.sha1(image.data).digest())
    )


def _field(number: int, data: bytes) -> bytes:
    """A length-delimited field (wire type 2)."""
    return _varint(number << 3 | 2) + _varint(len(data)) + data


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        if not value:
            out.append(byte)
            return bytes(out)
        out.append(byte | 0x80)
