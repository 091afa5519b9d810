"""Temporary files beside the files they will replace, and their clean-up: a writer killed
(SIGKILL, a power cut) before renaming its temporary leaves it behind, and the next writer of
the same file deletes it. Used for the deck and the lock (``package.write_in_order``) and for
the cache's entries (``cache``, which removes a directory's at once).
"""

from __future__ import annotations

import fcntl
import os
import re
import tempfile
from pathlib import Path

_SUFFIX = ".tmp"
# mkstemp adds 8 random characters; a name of up to 255 bytes still leaves a short temporary.
_NAME_BYTES = 64


def temporary_file(path: Path) -> tuple[int, str]:
    """A new temporary file beside ``path`` (its descriptor and name), locked while it is open:
    the lock tells ``remove_stale_temporaries`` that its writer is alive."""
    descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=_prefix(path), suffix=_SUFFIX)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
    except OSError:
        os.close(descriptor)
        os.unlink(name)
        raise
    return descriptor, name


def remove_stale_temporaries(path: Path) -> None:
    """Delete the temporary files that a killed writer left beside ``path``.

    A temporary whose lock can be taken has no writer any more; one still locked belongs to a
    writer at work and is left alone.
    """
    _remove_stale(path.parent, re.escape(_prefix(path)))


def remove_stale_temporaries_in(directory: Path) -> None:
    """Delete the temporary files killed writers left in ``directory``, whatever they were
    writing: one listing for all of a directory's files, where one per file written would make
    writing n files list n times (the cache writes thousands)."""
    _remove_stale(directory, r"\..+\.")


def _remove_stale(directory: Path, prefix: str) -> None:
    pattern = re.compile(prefix + r"[a-z0-9_]{8}" + re.escape(_SUFFIX))
    try:
        names = [name for name in os.listdir(directory) if pattern.fullmatch(name)]
    except OSError:  # no directory yet, or an unreadable one: writing will say so
        return
    for name in names:
        stale = directory / name
        try:
            with open(stale, "rb", opener=_no_follow) as handle:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                stale.unlink()
        except OSError:  # locked by a live writer, or gone already
            continue


def _no_follow(path: str, flags: int) -> int:
    """Open without following a symbolic link, nor waiting on a FIFO planted under the name."""
    return os.open(path, flags | os.O_NOFOLLOW | os.O_NONBLOCK)


def _prefix(path: Path) -> str:
    return "." + os.fsdecode(os.fsencode(path.name)[:_NAME_BYTES]) + "."
