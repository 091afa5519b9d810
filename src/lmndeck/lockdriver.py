"""``lmndeck lock merge OURS THEIRS [BASE]``: two lock files merged into OURS, the way git's
merge driver calls it (``%A %B %O``)."""

from __future__ import annotations

from pathlib import Path

from lmndeck.lock import encode_lock
from lmndeck.lockfile import LockFile, read_lock_file
from lmndeck.lockmerge import merge_locks
from lmndeck.package import write_in_order
from lmndeck.problems import Code, ContentError, Position, Problem, place


def merge_lock_files(ours: Path, theirs: Path, base: Path | None = None) -> list[str]:
    """Merge the lock file ``theirs`` into ``ours`` (rewritten); returns what was decided.
    ``base`` is the version both come from (git's %O), which tells who changed a note; git
    passes an empty file when there is none (both branches added the lock)."""
    with_base = base is not None and _has_content(base)
    reads = [
        _read_existing(path) for path in (ours, theirs, *([base] if base and with_base else []))
    ]
    merged = merge_locks(*(read.lock for read in reads))
    write_in_order([(ours, encode_lock(merged.lock))])
    return [notice for read in reads for notice in read.notices] + merged.resolutions


def _has_content(path: Path) -> bool:
    try:
        return bool(path.read_bytes().strip())
    except FileNotFoundError:
        return True  # reading it says so


def _read_existing(path: Path) -> LockFile:
    shown = place(path, Path("."))  # the command line's paths: relative to the working directory
    read = read_lock_file(path, shown)
    if read is None:
        missing = Problem(Position(shown, 1, 1), "no such lock file", code=Code.NO_LOCK_FILE)
        raise ContentError([missing])
    return read
