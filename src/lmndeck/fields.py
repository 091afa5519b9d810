"""Stage 4: every note's fields, rendered by its kind with its card numbers, or taken from the
cache (see ``cache``) where a build rendered the same note with the same numbers before; and
the notes of a file whose bytes and lock records are as the last build left them, taken from
the cache whole, as that build packaged them (see ``kept_notes``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from lmndeck import cache
from lmndeck.contents import OutputNote
from lmndeck.kinds.base import DeckFile, NoteShape, PlannedNote
from lmndeck.lock import Lock, NoteRecord
from lmndeck.numbering import Numbers, number
from lmndeck.project import PlanFile, file_notes
from lmndeck.reconcile import FilledNote, content_hash

# A note's fields depend on the note and on its cards' numbers, nothing else.
RenderKey = tuple[str, tuple[tuple[str, int], ...]]
Rendered = dict[RenderKey, tuple[tuple[str, ...], str]]  # -> (fields, content hash)


def filled_notes(
    root: Path,
    files: list[tuple[PlanFile, tuple[NoteShape, ...], list[int]]],
    lock: Lock,
    remember: bool = False,
    kept: set[str] | None = None,
) -> Iterator[FilledNote | OutputNote]:
    """Every note of ``files`` (each cards file of the project at ``root`` with its notes and
    their new-card positions), with its card numbers, kept from the lock, and its fields,
    rendered by its kind: from the cache for the notes of a file with the same bytes whose
    numbers are the same, which is most of them in a rebuild (a file in outline loads its
    model only for the others). ``remember`` stores what was rendered anew. The notes of a
    file the last build packaged as they would be now come as that build's ``OutputNote``s,
    and the file's path is added to ``kept`` (see ``kept_notes``). Each file is taken off
    ``files`` as its notes are reached: a caller that keeps no other reference to a file's
    model lets it go once its notes are filled."""
    while files:
        file, in_file, positions = files.pop(0)
        whole = kept_notes(root, file, in_file, positions, lock) if kept is not None else None
        if whole is not None and kept is not None:
            kept.add(file.outline.path)
            yield from whole
            continue
        entry = fields_entry(root, file.outline.path)
        known: Rendered = (cache.load(entry, file.key) if file.key else None) or {}
        rendered: Rendered = {}
        shared: dict[str, str] = {}
        planned: dict[str, PlannedNote] | None = None
        for note in in_file:
            numbers = number(note.card_keys, lock.notes.get(note.key))
            seen = _render_key(note, numbers)
            found = known.get(seen)
            if found is None:
                planned = planned or file.planned(root)
                found = _render(planned[note.key], numbers, shared)
            fields, content = rendered[seen] = found
            yield FilledNote(note, numbers, fields, content)
        if remember and file.key and rendered.keys() != known.keys():
            cache.store(entry, file.key, rendered)


# What the cache keeps of a file's packaged notes: the notes, and the card numbers their fields
# were rendered with.
_Kept = tuple[tuple[OutputNote, ...], tuple[dict[str, int], ...]]


def kept_notes(
    root: Path,
    file: PlanFile,
    in_file: Sequence[NoteShape],
    positions: Sequence[int],
    lock: Lock,
) -> tuple[OutputNote, ...] | None:
    """The notes of ``file`` as the last build that stored them packaged them (see
    ``keep_notes``), when that is what this build would make of them: the same bytes (the
    entry's key), and for every note the same key, kind, deck, tags and position, and a record
    in ``lock`` that is the note's as packaged (GUID, id, time, kind, deck, content, not
    removed) with the card numbers its fields were rendered with. Reconcile would change
    nothing of such a note and make the same output; a file that differs in any of these is
    made anew. None: not so, or no such entry."""
    if not file.key:
        return None
    stored = cache.load(notes_entry(root, file.outline.path), file.key)
    if not isinstance(stored, tuple) or len(stored) != 2 or len(stored[0]) != len(in_file):
        return None
    notes: tuple[OutputNote, ...] = stored[0]
    records = lock.notes
    for note, position, out, numbers in zip(in_file, positions, notes, stored[1], strict=True):
        record = records.get(note.key)
        if record is None or _as_packaged(record, note, numbers, position) != (
            out.guid, out.id, out.mod, out.kind, out.deck, out.content, out.key, out.kind,
            out.deck, out.tags, out.due,
        ):  # fmt: skip
            return None
    return notes


def keep_notes(root: Path, path: str, key: str, notes: Sequence[OutputNote], lock: Lock) -> None:
    """Store ``notes``, the packaged notes of the cards file ``path`` whose cache key is
    ``key`` (as reconcile made them, in order), for ``kept_notes`` to take whole later."""
    if key:
        numbers = tuple(lock.notes[note.key].deletions for note in notes)
        kept: _Kept = (tuple(notes), numbers)
        cache.store(notes_entry(root, path), key, kept)


def _as_packaged(
    record: NoteRecord, note: NoteShape, numbers: dict[str, int], position: int
) -> tuple[object, ...] | None:
    """What an ``OutputNote`` of ``note`` with ``record`` and ``position`` holds of them, in
    ``kept_notes``'s order; None for a record that is not as the note's fields were rendered
    with (other card numbers) or a removed one."""
    if record.removed or record.deletions != numbers:
        return None
    return (
        record.guid, record.id, record.mod, record.kind, record.deck, record.hash, note.key,
        note.kind.name, note.deck, note.tags, position,
    )  # fmt: skip


def first_fields(deck_file: DeckFile) -> Rendered:
    """The fields of a file's notes numbered as new notes: what a first build renders, and
    what later builds do too for every note whose deletions were never renumbered."""
    rendered: Rendered = {}
    shared: dict[str, str] = {}
    for note in file_notes(deck_file):
        numbers = number(note.card_keys, None)
        rendered[_render_key(note, numbers)] = _render(note, numbers, shared)
    return rendered


def fields_entry(cards_dir: Path, path: str) -> Path:
    """The cache entry of the fields of the notes of the cards file ``path`` (as shown)."""
    return cache.file_entry(cards_dir, cards_dir / path, "fields")


def notes_entry(cards_dir: Path, path: str) -> Path:
    """The cache entry of the packaged notes of the cards file ``path`` (see ``keep_notes``)."""
    return cache.file_entry(cards_dir, cards_dir / path, "notes")


def _render_key(note: NoteShape, numbers: Numbers) -> RenderKey:
    return note.key, tuple(sorted(numbers.active.items()))


def _render(
    note: PlannedNote, numbers: Numbers, shared: dict[str, str]
) -> tuple[tuple[str, ...], str]:
    """``shared``: the field values rendered so far in the file, each kept once: a source, a
    table's title or a column's label repeats on hundreds of notes, and one string for all of
    them is less memory for the build (about 18 MiB at 100,000 facts) and less to cache."""
    fields = tuple(shared.setdefault(value, value) for value in note.fields(numbers.active))
    return fields, content_hash(note.kind.name, fields, note.tags)
