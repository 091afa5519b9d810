"""What a package holds, as values: its notes, note types, lock and media."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

from lmndeck.media import Image
from lmndeck.notetypes import NoteType


class OutputNote(NamedTuple):
    """A note ready to be packaged, made by ``output_note``. A named tuple: a rebuild makes
    one per note of the deck, or takes it from the cache (see ``packaged``), five times as
    fast as a frozen dataclass (whose fields are set one by one)."""

    key: str
    guid: str
    id: int
    mod: int
    kind: str  # its card kind's name
    deck: str
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    ords: tuple[int, ...]
    content: str  # the hash of its kind, fields and tags (reconcile.content_hash)
    removed: bool  # a tombstone: no cards (``ords`` is empty)
    due: int  # its cards' new-card position (see studyorder)
    rows: bytes  # a digest of what decides its rows in the collection (see ``output_note``)


def output_note(
    key: str,
    guid: str,
    id: int,
    mod: int,
    kind: str,
    deck: str,
    fields: tuple[str, ...],
    tags: tuple[str, ...],
    ords: tuple[int, ...],
    content: str,
    removed: bool,
    due: int,
) -> OutputNote:
    """The note, with a digest of what decides its note and card rows besides its id and its
    first card's id (see ``collection``): its content hash stands for its kind, fields and
    tags (the lock trusts it as much: an equal hash keeps a note's time). Made once, with the
    note, and kept with it in the cache: hashing every note of the deck was a twelfth of a
    rebuild after one edit at 20k facts."""
    text = f"{guid} {mod} {content} {due} {ords} {deck}"
    rows = hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=16).digest()
    return OutputNote(
        key, guid, id, mod, kind, deck, fields, tags, ords, content, removed, due, rows
    )


@dataclass(frozen=True)
class PackageContents:
    notes: tuple[OutputNote, ...]
    note_types: Mapping[str, tuple[NoteType, int]]  # by kind: the note type and its mod
    lock_file: bytes = b""  # the lock file, shipped in the package (see recover)
    media: tuple[Image, ...] = ()  # in a fixed order (see media.media_of)
