"""The lock file as a build reads it: validated (``lockparse``), both sides of git's conflict
markers merged (``lockconflict``, ``lockmerge``), or, when the last build wrote these very
bytes and left a mark of them in the cache (``remember_lock``), taken from the cache without
reading the text at all.

What the cache keeps of the locks builds wrote is a base, a lock whole (its records field by
field), and in the mark of each lock file written since what it has otherwise than the base:
after one edit a few records. Parsing a lock's JSON took 0.05 s at 20k notes and 0.34 s at
100k, loading the base a third of that; writing the base anew at every build would cost what
it saves, so it is written anew only when the records that differ from it pass an eighth."""

from __future__ import annotations

import json
import operator
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any, NamedTuple, cast

from lmndeck import cache
from lmndeck.formats import display_path
from lmndeck.jsonlocated import Locator, decoded
from lmndeck.lock import Lock, NoteRecord, NoteTypeRecord, changed_records
from lmndeck.lockconflict import split_conflict
from lmndeck.lockmerge import merge_locks
from lmndeck.lockparse import RESTORE_HINT, parse_lock, readable


class LockBase(NamedTuple):
    """A lock a build wrote, kept whole in the cache (see the module's docstring): the digest
    of its lock file's bytes, under which it is kept, and the lock as loaded."""

    digest: str
    lock: Lock


@dataclass(frozen=True)
class LockFile:
    """A lock file as read: its lock (both sides merged when it has conflict markers)."""

    lock: Lock
    text: str
    digest: str  # of the file's bytes (cache.digest): a build's record names the lock so
    notices: tuple[str, ...] = ()
    written: bool = False  # a text a build wrote (see ``remember_lock``), its lock read from it
    base: LockBase | None = None  # the base its lock was taken from, with ``written``


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
        return LockFile(written[0], text, digest, written=True, base=written[1])
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


class Mark(NamedTuple):
    """What the mark of a lock file a build writes says (see ``remember_lock``): the base it
    names, and what differs from it (None: the file is marked so already)."""

    base: LockBase
    differences: _Columns | None


def lock_mark(
    path: Path,
    shown: str,
    digest: str,
    lock: Lock,
    known: Lock | None = None,
    base: LockBase | None = None,
) -> Mark | None:
    """The mark of the lock file ``path`` is to have once a build wrote the bytes of ``digest``
    (``cache.digest``) of ``lock`` there, its base stored now if it needs a new one (before
    the package, whose memory peak is the build's: at 100k facts it took 40 MB more after it).
    None for a lock that reading would not accept: it is not marked, so that a lock a build
    should never write fails the same with or without the cache. ``known``: the lock of a
    file a build wrote, which ``lock`` follows (see ``readable``); ``base``: the base that lock
    was taken from, which the mark names with what differs from it, if that is little."""
    mark = cache.load(cache.file_entry(path.parent, path, "lock"), _mark_key(shown, digest))
    if base is not None and isinstance(mark, tuple) and mark[:1] == (base.digest,):
        return Mark(base, None)  # marked already, and its base was there to be loaded
    if not readable(lock, known):
        return None
    differences = _differences(lock, base.lock) if base is not None else None
    if base is None or differences is None:
        cache.store_pieces(_base_entry(path), _base_key(shown, digest), _base_pieces(lock))
        base, differences = LockBase(digest, lock), _columns(lock, {})
    return Mark(base, differences)


def remember_lock(path: Path, shown: str, digest: str, mark: Mark | None) -> None:
    """Note in the cache that the lock file at ``path`` holds the bytes of ``digest``, which
    a build wrote (``mark``: see ``lock_mark``): the next build takes its lock from the cache
    (see ``_written_lock``), most of the time of reading a lock. Only once the file is
    written: a mark also tells that a build wrote this lock file (see
    ``recover._refuse_a_lost_lock``). A lock edited by hand or by git has other bytes and is
    read and checked as always."""
    if mark is not None and mark.differences is not None:
        entry = cache.file_entry(path.parent, path, "lock")
        cache.store(entry, _mark_key(shown, digest), (mark.base.digest, mark.differences))


def _mark_key(shown: str, digest: str) -> str:
    """The key of the mark of a lock file shown as ``shown`` whose bytes have ``digest``."""
    return cache.key("lock", shown, digest)


def _base_entry(path: Path) -> Path:
    return cache.file_entry(path.parent, path, "lockbase")


def _base_key(shown: str, digest: str) -> str:
    return cache.key("lock base", shown, digest)


# A record's fields in order, and a lock's namespace, note types and records field by field
_FIELDS = tuple(
    operator.attrgetter(name)
    for name in ("guid", "kind", "deck", "id", "hash", "mod", "deletions", "retired", "removed")
)
_Columns = tuple[
    str, tuple[tuple[str, str, int], ...], tuple[str, ...], tuple[tuple[Any, ...], ...]
]


def _columns(lock: Lock, records: dict[str, NoteRecord]) -> _Columns:
    """``lock``'s namespace and note types and ``records`` (some of its notes) by key, field by
    field: a named tuple or a dataclass would be unpickled calling Python once a record."""
    note_types = tuple(
        (kind, record.hash, record.mod) for kind, record in sorted(lock.note_types.items())
    )
    keys = tuple(sorted(records))
    ordered = [records[key] for key in keys]
    # a field at a time: a tuple of every record's fields at once was 16 MB at 100k notes
    return lock.namespace, note_types, keys, tuple(tuple(map(got, ordered)) for got in _FIELDS)


def _differences(lock: Lock, base: Lock) -> _Columns | None:
    """What ``lock`` has otherwise than ``base``: its records that differ (those of keys gone
    are marked by None); None when they are more than an eighth of its notes."""
    changed: dict[str, Any] = dict(changed_records(lock, base))
    changed.update(dict.fromkeys(base.notes.keys() - lock.notes.keys()))
    if len(changed) > len(lock.notes) // 8:
        return None
    gone = [key for key, record in changed.items() if record is None]
    kept = {key: record for key, record in changed.items() if record is not None}
    namespace, note_types, keys, columns = _columns(lock, kept)
    return namespace, note_types, (*keys, *sorted(gone)), columns


def _written_lock(
    path: Path, shown: str, digest: str, text: str
) -> tuple[Lock, LockBase | None] | None:
    """The lock in ``text``, the bytes of ``digest``, when a build wrote them (see
    ``remember_lock``): its base with what differs from it, from the cache, and the base; or,
    that base missing, ``text`` read by the C decoder straight into records (a lock
    ``encode_lock`` wrote has every field right, each key once and its notes sorted, so
    checking it would find nothing). None when no build marked these bytes."""
    mark = cache.load(cache.file_entry(path.parent, path, "lock"), _mark_key(shown, digest))
    if not (isinstance(mark, tuple) and len(mark) == 2 and isinstance(mark[0], str)):
        return None
    base = _base(path, shown, mark[0])
    lock = _applied(base, mark[1]) if base is not None else None
    if base is None or lock is None:
        return _decoded(text), None
    return lock, base


_PIECE = 16_384  # records a piece of a base: pickled on their own (see cache.store_pieces)


def _base_pieces(lock: Lock) -> Iterator[_Columns]:
    """``lock`` as its base is stored: its records by key in pieces of ``_PIECE``, each made
    as it is stored (a piece at a time, in memory too)."""
    keys = sorted(lock.notes)
    for start in range(0, max(len(keys), 1), _PIECE):
        yield _columns(lock, {key: lock.notes[key] for key in keys[start : start + _PIECE]})


def _base(path: Path, shown: str, digest: str) -> LockBase | None:
    stored = cache.load(_base_entry(path), _base_key(shown, digest))
    pieces = stored if isinstance(stored, cache.Pieces) else [stored]
    try:
        namespace, note_types = pieces[0][:2]
        keys = tuple(chain.from_iterable(piece[2] for piece in pieces))
        fields = tuple(
            map(tuple, map(chain.from_iterable, zip(*(piece[3] for piece in pieces), strict=True)))
        )
    except (TypeError, ValueError, IndexError, KeyError):  # pieces of another shape
        return None
    lock = _applied(None, (namespace, note_types, keys, fields))
    return LockBase(digest, lock) if lock is not None else None


def _applied(base: LockBase | None, columns: object) -> Lock | None:
    """The lock of ``base`` (none: no notes) with the namespace, note types and records of
    ``columns`` (see ``_columns``; the keys past its records are of notes gone), its notes
    in the order of their keys, as a lock file has them. None for columns of another shape."""
    try:
        namespace, note_types, keys, fields = cast(_Columns, columns)
        if len(fields) != len(_FIELDS) or len({len(column) for column in fields}) != 1:
            return None  # a column missing or short: map would stop at the shortest
        records = list(map(NoteRecord, *fields))
        if len(keys) < len(records):
            return None
        notes = dict(base.lock.notes) if base is not None else {}
        kept, gone = keys[: len(records)], keys[len(records) :]
        added = base is not None and any(key not in notes for key in kept)
        notes.update(zip(kept, records, strict=True))
        for key in gone:
            del notes[key]
        return Lock(
            namespace,
            dict(sorted(notes.items())) if added else notes,
            {kind: NoteTypeRecord(hash_, mod) for kind, hash_, mod in note_types},
        )
    except (TypeError, ValueError, KeyError):  # columns of another shape
        return None


def _decoded(text: str) -> Lock:
    """The lock in ``text``, which ``encode_lock`` wrote, by the C decoder."""
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
