"""The card kinds, in study order: a file's notes come kind by kind in this order.

Adding a kind: a module here (see ``base``), its templates, and a line in ``KINDS``.
"""

from __future__ import annotations

from lmndeck.kinds import basic, cells, cloze, discrimination, listing
from lmndeck.kinds.base import Kind
from lmndeck.notetypes import NoteType

KINDS: tuple[Kind, ...] = (
    cloze.KIND,
    basic.KIND,
    listing.KIND,
    cells.KIND,
    discrimination.KIND,
)

BY_NAME: dict[str, Kind] = {kind.name: kind for kind in KINDS}
NOTE_TYPES: dict[str, NoteType] = {kind.name: kind.note_type for kind in KINDS}
