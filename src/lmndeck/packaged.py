"""Stage 4, for a cards file that did not change: its notes as the last build packaged them.

A build stores each file's packaged notes in the cache (``remember_packaged``), under the key
of the file's bytes. A later build takes them whole (``last_packaged``) instead of numbering,
filling and reconciling them again, when each is what that build would make of it: the same
key, kind, deck, tags and new-card position, and a lock record that is the note's as packaged
(GUID, id, time, kind, deck, content hash, not removed) with the card numbers its fields were
rendered with. Reconcile would change nothing of such a note, neither its record nor what it
reports, and make the same output. A file that differs in any of these (a lock that git, a
merge or a hand changed, a file added before it) is made anew.

Comparing every record took most of the time of taking the notes: an entry also names the
lock base (see ``lockfile``) whose records its notes were made of, when they all were; while
the lock a build starts from holds that base's very records for them, they are not compared.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from pathlib import Path

from lmndeck import cache
from lmndeck.contents import Columns, OutputNote, note_columns, notes_of_columns
from lmndeck.kinds.base import NoteShape
from lmndeck.lock import Lock
from lmndeck.lockfile import LockBase
from lmndeck.project import PlanFile

# An entry: a file's packaged notes, field by field (see ``note_columns``), the card numbers
# each one's fields were rendered with, and the digest of the lock base whose records the
# notes were all made of (None: not all were).
_Entry = tuple[Columns, tuple[dict[str, int], ...], str | None]


def last_packaged(
    root: Path,
    file: PlanFile,
    notes: Sequence[NoteShape],
    positions: Sequence[int],
    lock: Lock,
    base: LockBase | None = None,
) -> tuple[OutputNote, ...] | None:
    """The notes of ``file`` (in the project at ``root``), which are ``notes`` at ``positions``
    with the records of ``lock``, as the last build that stored them packaged them; None when
    any of them would be made otherwise now, or there is no such entry. ``base``: the lock
    base the records of ``lock`` were taken from (see the module's docstring)."""
    if not file.key:
        return None
    stored = cache.load(packaged_entry(root, file.outline.path), file.key)
    if not (isinstance(stored, tuple) and len(stored) == 3 and isinstance(stored[1], tuple)):
        return None
    columns, numbers, made_of = stored
    if len(numbers) != len(notes) or not isinstance(columns, tuple):
        return None
    if not notes:
        return () if not columns else None
    known = base if base is not None and made_of == base.digest else None
    try:
        if not _as_packaged(columns, numbers, notes, positions, lock, known):
            return None
    except (TypeError, ValueError):  # columns of another shape
        return None
    packaged = notes_of_columns(columns)
    return packaged if len(packaged) == len(notes) else None


def remember_packaged(
    root: Path,
    path: str,
    key: str,
    notes: Sequence[OutputNote],
    lock: Lock,
    base: LockBase | None = None,
) -> None:
    """Store ``notes``, the packaged notes of the cards file ``path`` whose cache key is
    ``key`` (as reconcile made them, in order, their records in ``lock``), for
    ``last_packaged``. ``base``: the lock base the cache keeps ``lock`` by (see
    ``lockfile.remember_lock``), named in the entry when it has the records of all of them."""
    if key:
        records = [lock.notes[note.key] for note in notes]
        numbers = tuple(record.deletions for record in records)
        made_of = None
        if base is not None and all(
            record is kept or record == kept
            for record, kept in zip(
                records, map(base.lock.notes.get, map(_KEY, notes)), strict=True
            )
        ):
            made_of = base.digest
        entry: _Entry = (note_columns(notes), numbers, made_of)
        cache.store(packaged_entry(root, path), key, entry)


def packaged_entry(cards_dir: Path, path: str) -> Path:
    """The cache entry of the packaged notes of the cards file ``path`` (as shown)."""
    return cache.file_entry(cards_dir, cards_dir / path, "notes")


def _as_packaged(
    columns: Columns,
    numbers: tuple[dict[str, int], ...],
    notes: Sequence[NoteShape],
    positions: Sequence[int],
    lock: Lock,
    base: LockBase | None,
) -> bool:
    """Whether the notes of ``columns`` (see ``note_columns``) are what reconcile makes of
    ``notes`` at ``positions`` with the records of ``lock``: each record's identity, time and
    content as packaged, not removed, its card numbers those the fields were rendered with
    (``numbers``), and each note's own key, kind, deck and tags. Compared column by column,
    a field of every record against a column (each a C loop), where 11 comparisons a note
    in Python took 0.035 s of a 20k-fact edit build; not compared at all when every record is
    the very one of ``base``, the base the notes were made of."""
    key, guid, id_, mod, kind, deck, _, tags, _, content, _, due, _ = columns
    keys = tuple(map(_KEY, notes))
    if key != keys or due != tuple(positions):
        return False
    records = tuple(map(lock.notes.get, keys))
    if None in records:
        return False
    wanted = (guid, id_, mod, content, kind, deck, numbers, (False,) * len(records))
    made_of = (  # the base's own records: what the notes were made of
        base is not None and all(map(operator.is_, records, map(base.lock.notes.get, keys)))
    )
    return (
        (
            made_of
            or all(
                tuple(map(got, records)) == column
                for got, column in zip(_RECORD, wanted, strict=True)
            )
        )
        and kind == tuple(note.kind.name for note in notes)
        and deck == tuple(map(_DECK, notes))
        and tags == tuple(map(_TAGS, notes))
    )


# What of a note and of its record the comparison takes, in the order of the columns above
_KEY, _DECK, _TAGS = (operator.attrgetter(name) for name in ("key", "deck", "tags"))
_RECORD = tuple(
    operator.attrgetter(name)
    for name in ("guid", "id", "mod", "hash", "kind", "deck", "deletions", "removed")
)
