"""What a build keeps of the package it wrote, for the next build of the same deck to write its
own faster: the collection's working file (see ``collection``), which that build updates in
place instead of writing every row again, with a record of the rows of each note it holds;
and the package with where each deflated chunk of its entries lies in it (see ``zipping``),
of which the next build deflates only those it lacks.

It lives in the build cache beside the build's record (``cache.build_record``), and is used
only while the cache vouches for it: a signed entry names the device, inode, size and times
the file had when the last build left it, beside the records of its rows. A file touched
since (by a build killed while updating it, by hand, or one that came with someone else's
project) is deleted and made anew: the deck is the same either way, only slower to write.
The chunks are a signed cache entry.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from lmndeck import cache
from lmndeck.collection import WorkingFile
from lmndeck.zipping import Chunks

_KEY = cache.key("working collection")
_CHUNKS_KEY = cache.key("deflated chunks")


class Workspace(NamedTuple):
    collection: WorkingFile | None  # None: no cache to keep it in
    chunks: Chunks


@contextmanager
def workspace(record: Path | None) -> Iterator[Workspace]:
    """What the last build of the deck whose build record is ``record`` kept, for the block to
    update (the working file may not exist yet). Kept again only when the block ends without
    an error."""
    if record is None or not cache.writable() or not cache.prepared(record):
        yield Workspace(None, Chunks())
        return
    chunks_entry = record.with_suffix(".chunks.pickle")
    known = cache.load(chunks_entry, _CHUNKS_KEY)
    chunks = Chunks(known if isinstance(known, tuple) else None)
    with _working_collection(record.with_suffix(".anki2")) as collection:
        yield Workspace(collection, chunks)
    cache.store(chunks_entry, _CHUNKS_KEY, (chunks.package, chunks.used))


@contextmanager
def _working_collection(path: Path) -> Iterator[WorkingFile | None]:
    """The working file, with the digests of its rows, schema and ``col`` row (see
    ``collection``) stored beside its stamp: a file the cache vouches for holds what they say."""
    entry = path.with_suffix(".anki2.pickle")
    kept = cache.load(entry, _KEY)
    stamp = _stamp(path)
    trusted = stamp is not None and isinstance(kept, tuple) and len(kept) == 4 and kept[0] == stamp
    cache.forget_record(entry)  # while it changes, nothing vouches for it
    if not trusted and not _remove(path):
        yield None
        return
    working = WorkingFile(path, *kept[1:]) if trusted else WorkingFile(path)
    yield working
    if (now := _stamp(path)) is not None and working.rows is not None:
        cache.store(entry, _KEY, (now, working.rows, working.layout, working.col))


def _stamp(path: Path) -> list[int] | None:
    try:
        status = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(status.st_mode):
        return None
    return [status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns]


def _remove(path: Path) -> bool:
    """Whether nothing is left at ``path`` (a link is removed, never followed)."""
    try:
        path.unlink(missing_ok=True)
    except OSError:  # a folder of that name, say
        return False
    return True
