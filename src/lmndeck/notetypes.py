"""lmndeck's own Anki note types: each kind defines one (see ``kinds``); ids and names never change.

Anki matches note types by id and compares field and template names (and, since 2.1.67, their
ids), so each kind fixes all of them. Templates and CSS are package data files so that they can
change; a change reaches collections that already have the note type (see ``lock``). Every note
type has the shared style.css, and a kind may add rules of its own in templates/<kind>.css.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lmndeck import cache

if TYPE_CHECKING:
    import genanki

# Anki's two kinds of note type (genanki.Model.FRONT_BACK and CLOZE). genanki is imported only
# where a note type's JSON is made: importing it imports asyncio (through cached_property),
# about a tenth of a build that changes one fact, which needs none of it (see content_hashes).
ANKI_FRONT_BACK, ANKI_CLOZE = 0, 1


@dataclass(frozen=True)
class NoteType:
    kind: str  # its card kind's name; templates/<kind>-front.html and -back.html
    model_id: int
    name: str
    fields: tuple[tuple[str, int], ...]  # (name, fixed id)
    reserved_fields: tuple[tuple[str, int], ...]  # empty, for future fields (see below)
    template_name: str
    template_id: int
    anki_type: int

    @classmethod
    def numbered(
        cls,
        kind: str,
        model_id: int,
        name: str,
        fields: tuple[str, ...],
        template_name: str,
        anki_type: int,
        ids: int,
        later_fields: tuple[str, ...] = (),
    ) -> NoteType:
        """A note type whose ids follow lmndeck's numbering from ``ids``: +1, +2… for its
        fields, +21 and +22 for its reserved fields, +51 for its template.

        ``later_fields`` were added after the note type first shipped: each takes the next
        reserved slot's id, so collections that have the note type update in place (see
        ``_reserved_field``).

        The first field is Anki's sort field, what its browser lists notes by. It stays the
        first: Anki rewrites every note of a note type whose sort index changed, stamping it
        with the wall clock, which makes the same import skip their updates as older."""
        slots = (("Reserved 1", ids + 21), ("Reserved 2", ids + 22))
        if len(later_fields) > len(slots):
            raise ValueError(f"{name}: {len(slots)} reserved slots, {len(later_fields)} fields")
        named = tuple((field, ids + number) for number, field in enumerate(fields, start=1))
        added = tuple((field, slot[1]) for field, slot in zip(later_fields, slots, strict=False))
        return cls(
            kind,
            model_id,
            name,
            named + added,
            slots[len(later_fields) :],
            template_name,
            ids + 51,
            anki_type,
        )

    @property
    def field_count(self) -> int:
        return len(self.fields) + len(self.reserved_fields)

    def model(self) -> genanki.Model:
        import genanki

        front, back, css = self.texts()
        return genanki.Model(
            model_id=self.model_id,
            name=self.name,
            fields=[{"name": name, "id": field_id} for name, field_id in self.fields]
            + [_reserved_field(name, field_id) for name, field_id in self.reserved_fields],
            templates=[
                {"name": self.template_name, "id": self.template_id, "qfmt": front, "afmt": back}
            ],
            css=css,
            model_type=self.anki_type,
        )

    def texts(self) -> tuple[str, str, str]:
        """Its front and back templates and its CSS."""
        front, back = (_template(f"{self.kind}-{side}.html") for side in ("front", "back"))
        return front, back, _template("style.css") + self._own_css()

    def _own_css(self) -> str:
        """templates/<kind>.css, if the kind has one: rules for its own classes, added to the
        shared style sheet of its note type only, so a new kind changes no other note type."""
        path = files("lmndeck").joinpath("templates", f"{self.kind}.css")
        return path.read_text(encoding="utf-8") if path.is_file() else ""

    def model_json(self, mod: int, deck_id: int) -> dict[str, Any]:
        data: dict[str, Any] = self.model().to_json(mod, deck_id)
        return data

    def content_hash(self) -> str:
        """Changes exactly when what Anki stores for the note type (less its time) changes."""
        data = self.model_json(0, 0)
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def content_hashes(note_types: Mapping[str, NoteType], cards_dir: Path | None) -> dict[str, str]:
    """Each note type's ``content_hash``, by kind. They depend on the note types, their texts
    and genanki's code (which every cache key stamps) alone: kept in the cache of ``cards_dir``
    (None: no cache) under a key of all of these, they spare a build whose note types are
    unchanged importing genanki (their texts are a few files read)."""
    made_of = [f"{kind} {note_type!r}" for kind, note_type in note_types.items()]
    key = cache.key(
        "note type hashes", *made_of, *(t for n in note_types.values() for t in n.texts())
    )
    entry = None if cards_dir is None else cache.code_entry(cards_dir, "note-types")
    known = None if entry is None else cache.load(entry, key)
    if isinstance(known, dict) and list(known) == list(note_types):
        return known
    hashes = {kind: note_type.content_hash() for kind, note_type in note_types.items()}
    if entry is not None:
        cache.store(entry, key, hashes)
    return hashes


def all_note_types(note_types: Mapping[str, NoteType], cards_dir: Path) -> str:
    """What every note type is now (templates, CSS, fields): a build whose note types changed
    has to write them, though the cards files did not change."""
    return cache.digest(*content_hashes(note_types, cards_dir).values())


def _reserved_field(name: str, field_id: int) -> dict[str, Any]:
    """An empty field kept for a future version of the note type.

    Adding a field changes the note type's schema: Anki then imports a copy ("Name+") and never
    updates the existing notes again. Renaming a field whose id stays the same does not, so a
    future field takes over a reserved one and collections update in place.
    """
    return {
        "name": name,
        "id": field_id,
        "description": "Reserved by lmndeck for a future field; leave it empty.",
        "collapsed": True,
    }


def _template(name: str) -> str:
    return files("lmndeck").joinpath("templates", name).read_text(encoding="utf-8")
