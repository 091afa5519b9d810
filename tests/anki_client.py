"""The real client: Anki's own backend from PyPI, used the way Anki's importer is used."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# anki.collection must be imported before anki.cards (a circular import inside anki).
from anki.collection import (  # isort: skip
    Collection,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
)
from anki.cards import CardId  # isort: skip
from anki.notes import Note, NoteId  # isort: skip


@dataclass(frozen=True)
class ImportLog:
    new: int
    updated: int
    duplicate: int
    conflicting: int


@dataclass(frozen=True)
class RenderedCard:
    id: int
    note_id: int
    ord: int
    deck: str
    question: str
    answer: str
    queue: int


class AnkiCollection:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.col = Collection(str(path))

    def close(self) -> None:
        self.col.close()

    def import_package(self, apkg: Path, **options: Any) -> ImportLog:
        request = ImportAnkiPackageRequest(
            package_path=str(apkg), options=ImportAnkiPackageOptions(**options)
        )
        log = self.col.import_anki_package(request).log
        self.col.models._clear_cache()
        return ImportLog(len(log.new), len(log.updated), len(log.duplicate), len(log.conflicting))

    def cards(self, query: str = "") -> list[RenderedCard]:
        result = []
        for card_id in sorted(self.col.find_cards(query)):
            card = self.col.get_card(card_id)
            output = card.render_output()
            result.append(
                RenderedCard(
                    card.id,
                    card.nid,
                    card.ord,
                    self.col.decks.name(card.did),
                    output.question_text,
                    output.answer_text,
                    card.queue,
                )
            )
        return result

    def empty_cards(self) -> list[int]:
        report = self.col.get_empty_cards()
        return [card_id for note in report.notes for card_id in note.card_ids]

    def note_type(self, name: str) -> dict[str, Any]:
        note_type = self.col.models.by_name(name)
        assert note_type is not None, name
        return dict(note_type)

    def note_type_names(self) -> list[str]:
        return sorted(model["name"] for model in self.col.models.all())

    def notes(self, query: str = "") -> dict[str, Any]:
        """Notes by GUID."""
        return {
            (note := self.col.get_note(note_id)).guid: note
            for note_id in self.col.find_notes(query)
        }

    def note(self, note_id: int) -> Note:
        return self.col.get_note(NoteId(note_id))

    def review(self, card_id: int) -> None:
        """Answer the card 'Good', as a student would."""
        card = self.col.get_card(CardId(card_id))
        card.start_timer()
        self.col.sched.answerCard(card, 3)

    def reps(self, card_id: int) -> int:
        return int(self.col.get_card(CardId(card_id)).reps)

    def move(self, card_ids: list[int], deck: str) -> None:
        """Move cards into ``deck`` (made if missing), as the browser's Change Deck does."""
        deck_id = self.col.decks.id(deck)
        assert deck_id is not None
        self.col.set_deck([CardId(card_id) for card_id in card_ids], deck_id)

    def filtered_deck(self, name: str, search: str) -> None:
        """A filtered deck of the cards ``search`` finds, as Tools > Create Filtered Deck."""
        deck = self.col.decks.get(self.col.decks.new_filtered(name))
        assert deck is not None
        deck["terms"] = [[search, 100, 0]]
        self.col.decks.save(deck)
        self.col.sched.rebuild_filtered_deck(deck["id"])

    def card_deck(self, card_id: int) -> tuple[str, int]:
        """(the name of the deck a card is in, its home deck's id if that one is filtered)."""
        card = self.col.get_card(CardId(card_id))
        return self.col.decks.name(card.did), int(card.odid)

    def add_field(self, note_type: str, name: str) -> None:
        """A field added to a note type, as the Fields dialog does."""
        model = self.col.models.by_name(note_type)
        assert model is not None
        self.col.models.add_field(model, self.col.models.new_field(name))
        self.col.models.update_dict(model)

    def add_basic(self, front: str, back: str, deck: str, guid: str | None = None) -> Note:
        """A note of Anki's own Basic type, as a student adds one (with ``guid`` if given)."""
        note = self.col.new_note(self.col.models.by_name("Basic") or {})
        note["Front"], note["Back"] = front, back
        if guid is not None:
            note.guid = guid
        deck_id = self.col.decks.id(deck)
        assert deck_id is not None
        self.col.add_note(note, deck_id)
        return note

    def sort_fields(self, prefix: str) -> list[str]:
        """The sort fields (what the browser lists notes by) that start with ``prefix``, sorted."""
        assert self.col.db is not None
        rows = self.col.db.list("select sfld from notes where sfld like ?", f"{prefix}%")
        return sorted(str(row) for row in rows)

    def revlog_total(self) -> int:
        """Review rows in the collection, of every card (removed ones' too)."""
        assert self.col.db is not None
        return int(self.col.db.scalar("select count() from revlog"))

    def revlog_count(self, card_id: int) -> int:
        assert self.col.db is not None
        return int(self.col.db.scalar("select count() from revlog where cid = ?", card_id))


def visible(html: str) -> str:
    """The text a student sees: tags (and their attributes) removed, entities kept as written."""
    return re.sub(r"<[^>]+>", "", html)


def answers(card: RenderedCard) -> list[str]:
    """What the card asks for: the revealed deletions, or the table cell's answer."""
    return re.findall(r'class="(?:cloze|lmn lmn-answer)"[^>]*>([^<]+)<', card.answer)
