"""The lock file as a build reads it: validated (``lockparse``), both sides of git's conflict
markers merged (``lockconflict``, ``lockmerge``), or, when the last build wrote these very
bytes and left a mark of them in the cache (``remember_lock``), read straight into records
without checking, which is most of the time of reading a lock."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from lmndeck import cache
from lmndeck.formats import display_path
from lmndeck.jsonlocated import Locator, decoded
from lmndeck.lock import Lock, NoteRecord, NoteTypeRecord
from lmndeck.lockconflict import split_conflict
from lmndeck.lockmerge import merge_locks
from lmndeck.lockparse import RESTORE_HINT, parse_lock, readable


@dataclass(frozen=True)
class LockFile:
    """A lock file as read: its lock (both sides merged when it has conflict markers)."""

    lock: Lock
    text: str
    digest: str  # of the file's bytes (cache.digest): a build's record names the lock so
    notices: tuple[str, ...] = ()
    written: bool = False  # a text a build wrote (see ``remember_lock``), its lock read from it


def read_lock_file(path: Path, shown: str) -> LockFile | None:
    """The validated lock at ``path``; None when there is none. ``shown`` is the path its
    problems' positions give (relative to the cards directory)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    text = decoded(data, shown, "the lock file", RESTORE_HINT).removeprefix("\ufeff")
    digest = cache.digest(data)  # once: hashing 6 MB (20k notes) takes 0.005 s
    written = _written_lock(path, shown, digest, text)
    if written is not None:  # no line of encode_lock's can be a conflict marker: not looked for
        return LockFile(written, text, digest, written=True)
    sides = split_conflict(text, shown)  # looking takes 0.02 s at 20k notes
    if sides is None:
        return LockFile(parse_lock(text, Locator(text, shown)), text, digest)
    ours, theirs = (parse_lock(side.text, side.locator(shown)) for side in sides)
    merged = merge_locks(ours, theirs)
    notice = (
        f"{display_path(path)} has merge conflict markers: merged both sides record by record, "
        f"keeping every card's number ({len(merged.lock.notes)} notes)"
    )
    return LockFile(merged.lock, text, digest, (notice, *merged.resolutions))


def remember_lock(
    path: Path, shown: str, digest: str, lock: Lock, known: Lock | None = None
) -> None:
    """Note in the cache that the lock file at ``path`` holds the bytes of ``digest``
    (``cache.digest``), which a build wrote of ``lock``: the next build reads those bytes
    without checking them (see ``_written_lock``),
    which is most of the time of reading a lock (at 20k notes 0.12 s instead of 0.45 s).
    Only a lock that reading would accept is marked, so that a lock a build should never
    write fails the same with or without the cache.
    Nothing but a signed mark is stored, under a key of the bytes: a lock edited by hand or by
    git is checked as always. ``known``: the lock of a file a build wrote, which ``lock``
    follows (see ``readable``)."""
    key, entry = _mark_key(shown, digest), cache.file_entry(path.parent, path, "lock")
    if cache.load(entry, key) is not True and readable(lock, known):
        cache.store(entry, key, True)


def _mark_key(shown: str, digest: str) -> str:
    """The key of the mark of a lock file shown as ``shown`` whose bytes have ``digest``."""
    return cache.key("lock", shown, digest)


def _written_lock(path: Path, shown: str, digest: str, text: str) -> Lock | None:
    """The lock in ``text``, the bytes of ``digest``, when a build wrote them (see
    ``remember_lock``), read by
    the C decoder straight into records: a lock ``encode_lock`` wrote has every field right,
    each key once and its notes sorted, so checking it would find nothing. None otherwise."""
    entry = cache.file_entry(path.parent, path, "lock")
    if cache.load(entry, _mark_key(shown, digest)) is not True:
        return None
    document = json.loads(text)
    notes = {
        key: NoteRecord(
            note["guid"],
            note["kind"],
            note["deck"],
            note["id"],
            note["hash"],
            note["mod"],
            note.get("deletions", {}),
            note.get("retired", {}),
            note.get("removed", False),
        )
        for key, note in document["notes"].items()
    }
    note_types = {
        kind: NoteTypeRecord(record["hash"], record["mod"])
        for kind, record in document["note_types"].items()
    }
    return Lock(document["namespace"], notes, note_types)
