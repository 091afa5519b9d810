"""What a package holds, as values: its notes, note types, lock and media."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

from lmndeck.media import Image
from lmndeck.notetypes import NoteType


class OutputNote(NamedTuple):
    """A note ready to be packaged. A named tuple: a rebuild makes one per note of the deck,
    or takes it from the cache (see ``packaged``), five times as fast as a frozen
    dataclass (whose fields are set one by one)."""

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
    removed: bool = False  # a tombstone: no cards (``ords`` is empty)
    due: int = 0  # its cards' new-card position (see studyorder)


@dataclass(frozen=True)
class PackageContents:
    notes: tuple[OutputNote, ...]
    note_types: Mapping[str, tuple[NoteType, int]]  # by kind: the note type and its mod
    lock_file: bytes = b""  # the lock file, shipped in the package (see recover)
    media: tuple[Image, ...] = ()  # in a fixed order (see media.media_of)
