"""Stage 4: every note's fields, rendered by its kind with its card numbers, or taken from the
cache (see ``cache``) where a build rendered the same note with the same numbers before (the
notes of a file taken whole as the last build packaged them pass through: see ``packaged``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lmndeck import cache
from lmndeck.contents import OutputNote
from lmndeck.kinds.base import DeckFile, NoteShape, PlannedNote
from lmndeck.lock import Lock
from lmndeck.numbering import Numbers, number
from lmndeck.project import PlanFile, file_notes
from lmndeck.reconcile import FilledNote, content_hash

# A note's fields depend on the note and on its cards' numbers, nothing else.
RenderKey = tuple[str, tuple[tuple[str, int], ...]]
Rendered = dict[RenderKey, tuple[tuple[str, ...], str]]  # -> (fields, content hash)


def filled_notes(
    root: Path,
    files: list[tuple[PlanFile, tuple[NoteShape, ...], tuple[OutputNote, ...] | None]],
    lock: Lock,
    remember: bool = False,
) -> Iterator[FilledNote | OutputNote]:
    """Every note of ``files`` (each cards file of the project at ``root`` with its notes, and
    those notes as the last build packaged them when they are taken whole: see ``packaged``),
    with its card numbers, kept from the lock, and its fields, rendered by its kind: from the
    cache for the notes of a file with the same bytes whose numbers are the same (a file in
    outline loads its model only for the others). ``remember`` stores what was rendered anew.
    A file's notes taken whole come as they are. Each file is taken off ``files`` as its notes
    are reached: a caller that keeps no other reference to a file's model lets it go once its
    notes are filled."""
    while files:
        file, in_file, whole = files.pop(0)
        if whole is not None:
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


def _render_key(note: NoteShape, numbers: Numbers) -> RenderKey:
    return note.key, tuple(sorted(numbers.active.items()))


def _render(
    note: PlannedNote, numbers: Numbers, shared: dict[str, str]
) -> tuple[tuple[str, ...], str]:
    """``shared``: the field values rendered so far in the file, each kept once: a source, a
    table's title or a column's label repeats on hundreds of notes, and one string for all of
    them is less to cache and less memory for the build (a first build of 100,000 facts
    peaked at 372 MiB instead of 418)."""
    fields = tuple(shared.setdefault(value, value) for value in note.fields(numbers.active))
    return fields, content_hash(note.kind.name, fields, note.tags)
