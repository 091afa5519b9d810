"""Stage 4, for a cards file that did not change: its notes as the last build packaged them.

A build stores each file's packaged notes in the cache (``remember_packaged``), under the key
of the file's bytes. A later build takes them whole (``last_packaged``) instead of numbering,
filling and reconciling them again, when each is what that build would make of it: the same
key, kind, deck, tags and new-card position, and a lock record that is the note's as packaged
(GUID, id, time, kind, deck, content hash, not removed) with the card numbers its fields were
rendered with. Reconcile would change nothing of such a note, neither its record nor what it
reports, and make the same output. A file that differs in any of these (a lock that git, a
merge or a hand changed, a file added before it) is made anew.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from lmndeck import cache
from lmndeck.contents import Columns, OutputNote, note_columns, notes_of_columns
from lmndeck.kinds.base import NoteShape
from lmndeck.lock import Lock, NoteRecord
from lmndeck.project import PlanFile

# An entry: a file's packaged notes, field by field (see ``note_columns``), and the card
# numbers each one's fields were rendered with.
_Entry = tuple[Columns, tuple[dict[str, int], ...]]


def last_packaged(
    root: Path, file: PlanFile, notes: Sequence[NoteShape], positions: Sequence[int], lock: Lock
) -> tuple[OutputNote, ...] | None:
    """The notes of ``file`` (in the project at ``root``), which are ``notes`` at ``positions``
    with the records of ``lock``, as the last build that stored them packaged them; None when
    any of them would be made otherwise now, or there is no such entry."""
    if not file.key:
        return None
    stored = cache.load(packaged_entry(root, file.outline.path), file.key)
    if not (isinstance(stored, tuple) and len(stored) == 2 and isinstance(stored[1], tuple)):
        return None
    if len(stored[1]) != len(notes):
        return None
    packaged = notes_of_columns(stored[0])
    if len(packaged) != len(notes):
        return None
    records = lock.notes
    for note, position, out, numbers in zip(notes, positions, packaged, stored[1], strict=True):
        record = records.get(note.key)
        if record is None or not _as_packaged(out, record, numbers, note, position):
            return None
    return packaged


def remember_packaged(
    root: Path, path: str, key: str, notes: Sequence[OutputNote], lock: Lock
) -> None:
    """Store ``notes``, the packaged notes of the cards file ``path`` whose cache key is
    ``key`` (as reconcile made them, in order, their records in ``lock``), for
    ``last_packaged``."""
    if key:
        numbers = tuple(lock.notes[note.key].deletions for note in notes)
        entry: _Entry = (note_columns(notes), numbers)
        cache.store(packaged_entry(root, path), key, entry)


def packaged_entry(cards_dir: Path, path: str) -> Path:
    """The cache entry of the packaged notes of the cards file ``path`` (as shown)."""
    return cache.file_entry(cards_dir, cards_dir / path, "notes")


def _as_packaged(
    out: OutputNote, record: NoteRecord, numbers: dict[str, int], note: NoteShape, position: int
) -> bool:
    """Whether ``out`` is what reconcile makes of ``note`` at ``position`` with ``record``:
    the record's identity, time and content as packaged, its card numbers those the fields
    were rendered with (``numbers``), and the note's own key, kind, deck and tags."""
    return (
        not record.removed
        and record.deletions == numbers
        and record.guid == out.guid
        and record.id == out.id
        and record.mod == out.mod
        and record.hash == out.content
        and record.kind == out.kind == note.kind.name
        and record.deck == out.deck == note.deck
        and note.key == out.key
        and note.tags == out.tags
        and position == out.due
    )
