"""What a build keeps of the package it wrote, for the next build of the same deck to write its
own faster: the collection's working file (see ``collection``), which that build updates in
place instead of writing every row again.

It lives in the build cache beside the build's record (``cache.build_record``), and is used
only while the cache vouches for it: a signed entry names the device, inode, size and times
the file had when the last build left it. A file touched since (by a build killed while
updating it, by hand, or one that came with someone else's project) is deleted and made anew:
the deck is the same either way, only slower to write.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from lmndeck import cache

_KEY = cache.key("working collection")


@contextmanager
def working_collection(record: Path | None) -> Iterator[Path | None]:
    """The working file of the deck whose build record is ``record``, for the block to update
    (it may not exist yet); None when there is no cache to keep it in. Vouched for again
    only when the block ends without an error."""
    path = record.with_suffix(".anki2") if record is not None else None
    if path is None or not cache.writable() or not cache.prepared(path):
        yield None
        return
    stamp = path.with_suffix(".anki2.pickle")
    trusted = _stamp(path) is not None and cache.load(stamp, _KEY) == _stamp(path)
    cache.forget_record(stamp)  # while it changes, nothing vouches for it
    if not trusted and not _remove(path):
        yield None
        return
    yield path
    if (now := _stamp(path)) is not None:
        cache.store(stamp, _KEY, now)


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
