"""A cards file in outline: what a build needs of it but its notes' fields, which the cache
holds rendered (see ``fields``). The cache keeps each file's outline beside the file as read,
under the same key, and a build loads only the outline of a file it has read before: at 20k
facts the outlines of 20 files load in a fraction of the time their models take (200k
objects, not 600k), and at 100k facts the models, 220 MB, are never all in memory at once.
A file's model is loaded only when one of its notes needs rendering anew (its card numbers
changed in the lock)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from lmndeck.kinds import BY_NAME
from lmndeck.kinds.base import Kind
from lmndeck.media import Image
from lmndeck.model import PreviousId
from lmndeck.problems import Position, Problem

# (the noun of an item's kind, its id, its previous ids), per kind in the registry's order
PreviousIds = tuple[tuple[tuple[str, str, tuple[PreviousId, ...]], ...], ...]


class NoteOutline(NamedTuple):
    """A note of a file read before, as ``NoteShape`` tells it (the note's own values)."""

    key: str
    deck: str
    kind_name: str
    tags: tuple[str, ...]
    card_keys: tuple[str, ...]
    previous_keys: tuple[str, ...]

    @property
    def kind(self) -> Kind:
        return BY_NAME[self.kind_name]


@dataclass(frozen=True)
class FileOutline:
    """A cards file without problems, as a build takes it: the checks across files (its ids,
    previous ids and rule names), its warnings, drafts and images, and its notes."""

    path: str
    deck: str
    problems: list[Problem]  # warnings: a file with errors has no outline
    ids: list[tuple[str, Position]]
    rule_names: tuple[tuple[str, Position], ...]
    previous_ids: PreviousIds
    drafts: tuple[Problem, ...]
    images: tuple[Image, ...]  # every image its items show, drafts' too, as read
    shown: tuple[Image, ...]  # the images of the items that go into the deck, in study order
    notes: tuple[NoteOutline, ...]
