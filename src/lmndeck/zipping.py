"""The package's zip, written here rather than by ``zipfile``: every entry is deflated in
independent chunks of at most ``CHUNK`` bytes (cut at fixed places, or for the lock where
its content says: see ``package.lock_pieces``), each ended with a full flush, so that the chunks
concatenate into one valid deflate stream and a chunk deflates to the same bytes wherever it
lies (an entry compressed already, as Anki's latest format has them, is stored as it is). A build then deflates only the chunks whose bytes the last build did not have (see
``Chunks``): after one edit, a few of a collection's hundred. The entries have fixed times and
permissions, and the file is the same byte for byte for the same entries.
"""

from __future__ import annotations

import hashlib
import io
import os
import struct
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import BinaryIO

CHUNK = 256 * 1024
_LEVEL = 6  # zlib's default, as zipfile's
_RAW = -15  # a raw deflate stream, as zip entries hold
_END = zlib.compressobj(_LEVEL, zlib.DEFLATED, _RAW).flush()  # an empty last block: the end
_DOS_DATE = 1 << 5 | 1  # 1980-01-01, the earliest a zip can say; time 00:00:00
_VERSION = 20  # zip 2.0: deflate
_MADE_ON_UNIX = 3 << 8 | _VERSION
_PERMISSIONS = 0o644 << 16


class Chunks:
    """Deflated chunks by the hash of their bytes: those of the last build's package (``known``:
    its bytes, and where in them each chunk lies) are reused; ``package`` and ``used`` are
    this build's, once written, for the next one. Only where the chunks lie is kept, not the
    chunks apart: a package and its chunks held side by side doubled the memory the package
    takes (24 MB at 100k facts)."""

    def __init__(self, known: tuple[bytes, Mapping[bytes, tuple[int, int]]] | None = None) -> None:
        self._package, self._known = known or (b"", {})
        self.package = b""
        self.used: dict[bytes, tuple[int, int]] = {}  # offset and size in ``package``

    def deflate(
        self, chunks: Sequence[Piece], keys: Iterable[bytes], pool: Executor | None = None
    ) -> list[tuple[bytes, bytes]]:
        """Each of ``chunks`` deflated, with its hash (``keys``, see ``chunk_key``); those the
        last build lacked on ``pool``'s threads (zlib lets go of Python's lock while it
        deflates) when there are several."""
        keys = list(keys)
        found: dict[bytes, bytes] = {}
        for key in keys:
            if key in self._known:
                offset, size = self._known[key]
                found[key] = self._package[offset : offset + size]
        missing = {key: chunk for key, chunk in zip(keys, chunks, strict=True) if key not in found}
        deflating = pool.map if pool and len(missing) > 1 else map
        found.update(zip(missing, deflating(_deflate, missing.values()), strict=True))
        return [(key, found[key]) for key in keys]


Piece = bytes | memoryview


def chunk_key(chunk: Piece) -> bytes:
    """What ``Chunks`` knows a chunk by: a hash of its bytes."""
    return hashlib.sha256(chunk).digest()


def _deflate(chunk: Piece) -> bytes:
    compressor = zlib.compressobj(_LEVEL, zlib.DEFLATED, _RAW)
    return compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)


@dataclass(frozen=True)
class _Entry:
    name: bytes
    crc: int
    size: int
    deflated: int
    offset: int
    method: int = zlib.DEFLATED

    def fields(self) -> bytes:
        """What its local header and its central directory header both say, in this order:
        the version needed, flags, method, time, date, checksum, sizes, name and extra
        field lengths."""
        return struct.pack(
            "<HHHHHIIIHH",
            _VERSION,
            0,
            self.method,
            0,
            _DOS_DATE,
            self.crc,
            self.deflated,
            self.size,
            len(self.name),
            0,
        )


class ZipWriter:
    """A zip of the entries added, whole once closed, written into one growing buffer (each
    entry's local header filled in once its data is written). Its threads, which deflate
    chunks side by side, end when it is closed or its ``with`` block ends."""

    def __init__(self, chunks: Chunks) -> None:
        self._out = io.BytesIO()
        self._chunks = chunks
        self._entries: list[_Entry] = []
        self._pool: ThreadPoolExecutor | None = None

    def __enter__(self) -> ZipWriter:
        return self

    def __exit__(self, *error: object) -> None:
        self._stop()

    def add(self, name: str, pieces: Iterable[Piece]) -> None:
        """The entry ``name`` holding ``pieces`` joined, each at most ``CHUNK`` bytes and cut
        where the bytes alone decide (at fixed places, see ``pieces_of``, or where the content
        says, see ``package.lock_pieces``): the same bytes are cut at the same places. They
        are taken ``_WINDOW`` at a time: an entry is never held whole."""
        encoded = name.encode("ascii")
        offset = self._out.tell()
        self._out.write(bytes(_LOCAL_HEADER + len(encoded)))  # filled in below
        crc = size = deflated = 0
        for window in _windows(pieces):
            threads = self._threads() if len(window) > 1 else None
            # The chunks are hashed on the threads while this one sums them up (hashlib and
            # zlib both let go of Python's lock): 0.02 s of each build of 20k facts.
            keys = threads.map(chunk_key, window) if threads else map(chunk_key, window)
            for piece in window:
                crc = zlib.crc32(piece, crc)
                size += len(piece)
            for key, data in self._chunks.deflate(window, keys, threads):
                self._chunks.used.setdefault(key, (self._out.tell(), len(data)))
                deflated += self._out.write(data)
        deflated += self._out.write(_END)
        entry = _Entry(encoded, crc, size, deflated, offset)
        end = self._out.tell()
        self._out.seek(offset)
        self._out.write(struct.pack("<I", 0x04034B50) + entry.fields() + entry.name)
        self._out.seek(end)
        self._entries.append(entry)

    def add_stored(self, name: str, data: bytes) -> None:
        """The entry ``name`` holding ``data`` as it is (zip's method 0): nothing of it is
        deflated, nor kept in ``Chunks`` for the next build."""
        offset = self._out.tell()
        entry = _Entry(name.encode("ascii"), zlib.crc32(data), len(data), len(data), offset, 0)
        self._out.write(struct.pack("<I", 0x04034B50) + entry.fields() + entry.name + data)
        self._entries.append(entry)

    def _threads(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(len(os.sched_getaffinity(0)) if _AFFINITY else 1)
        return self._pool

    def _stop(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def close(self) -> bytes:
        start = self._out.tell()
        for entry in self._entries:
            self._out.write(
                struct.pack("<IH", 0x02014B50, _MADE_ON_UNIX)  # a central directory header
                + entry.fields()
                # no comment, disk 0, no internal attributes; the permissions; its local header
                + struct.pack("<HHHII", 0, 0, 0, _PERMISSIONS, entry.offset)
                + entry.name
            )
        count = len(self._entries)
        directory = self._out.tell() - start
        self._out.write(
            struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, directory, start, 0)
        )
        self._stop()
        self._chunks.package = self._out.getvalue()
        self._out = io.BytesIO()
        return self._chunks.package


_LOCAL_HEADER = 30  # bytes before the name: the signature and ``_Entry.fields``
_WINDOW = 16  # chunks deflated side by side: 4 MiB at a time
_AFFINITY = hasattr(os, "sched_getaffinity")


def _windows(pieces: Iterable[Piece]) -> Iterator[list[Piece]]:
    window: list[Piece] = []
    for piece in pieces:
        window.append(piece)
        if len(window) == _WINDOW:
            yield window
            window = []
    if window:
        yield window


def pieces_of(data: bytes) -> Iterable[memoryview]:
    """``data`` in ``CHUNK``-byte pieces (none for no bytes)."""
    view = memoryview(data)
    return (view[start : start + CHUNK] for start in range(0, len(data), CHUNK))


def file_pieces(file: BinaryIO) -> Iterable[bytes]:
    """The file's bytes from where it is, in ``CHUNK``-byte pieces."""
    while piece := file.read(CHUNK):
        yield piece
