"""Collections that imported a deck built before the restructure into card kinds update in
place from a build after it: same notes, same note types, reviews kept (real Anki backend)."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import pytest

from lmndeck.pipeline import build
from lmndeck.reserved import REMOVED_TAG
from tests.anki_client import AnkiCollection, visible

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "before-restructure"
LATER = 1_767_312_000 + 86_400  # a day after the fixture's second build


@pytest.fixture
def student(tmp_path: Path, collection: AnkiCollection) -> AnkiCollection:
    first = collection.import_package(FIXTURE / "deck.apkg")
    assert (first.new, first.conflicting) == (8, 0)  # seven notes and a removed one
    for card in collection.cards():
        collection.review(card.id)
    return collection


def rebuild(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: tuple[str, str] | None = None
) -> Path:
    cards = shutil.copytree(FIXTURE / "cards", tmp_path / "cards")
    if edit:
        signs = cards / "signs.yaml"
        signs.write_text(signs.read_text(encoding="utf-8").replace(*edit), encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(LATER))
    _, apkg = build(cards, tmp_path / "dist" / "deck.apkg")
    return apkg


def test_the_same_cards_build_the_same_deck_less_the_removed_notes_cards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same notes, note types and cards; removed notes come without cards since (their
    card, and with it their deck, is all that changed). New-card positions are numbered per
    file since (see studyorder), in the same order: an import never changes them on cards a
    collection has."""
    apkg = rebuild(tmp_path, monkeypatch)
    now, before = rows(apkg), rows(FIXTURE / "deck.apkg")
    assert now["notes"] == before["notes"] and now["models"] == before["models"]
    removed = {row[0] for row in before["notes"] if REMOVED_TAG in str(row[5])}
    assert len(removed) == 1
    kept = [row for row in before["cards"] if row[1] not in removed]
    assert [without_due(row) for row in now["cards"]] == [without_due(row) for row in kept]
    assert in_study_order(now["cards"]) == in_study_order(kept)
    lock = (tmp_path / "cards" / "lmndeck.lock").read_bytes()
    assert lock == (FIXTURE / "cards" / "lmndeck.lock").read_bytes()


DUE = 8  # the cards table's column of new-card positions


def without_due(row: tuple[object, ...]) -> tuple[object, ...]:
    return row[:DUE] + row[DUE + 1 :]


def in_study_order(cards: list[tuple[object, ...]]) -> list[object]:
    """The card ids by position, then by card number (ord)."""
    return [row[0] for row in sorted(cards, key=lambda row: (number(row[DUE]), number(row[3])))]


def number(value: object) -> int:
    assert isinstance(value, int)
    return value


def rows(apkg: Path) -> dict[str, list[tuple[object, ...]]]:
    """The package's notes and cards rows, and its note types."""
    with zipfile.ZipFile(apkg) as package, tempfile.TemporaryDirectory() as scratch:
        collection = Path(scratch) / "collection.anki2"
        collection.write_bytes(package.read("collection.anki2"))
        connection = sqlite3.connect(collection)
        try:
            return {
                "notes": connection.execute("SELECT * FROM notes ORDER BY id").fetchall(),
                "cards": connection.execute("SELECT * FROM cards ORDER BY id").fetchall(),
                "models": connection.execute("SELECT models FROM col").fetchall(),
            }
        finally:
            connection.close()


def test_a_collection_from_before_updates_in_place(
    tmp_path: Path, student: AnkiCollection, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = {card.id: card for card in student.cards()}
    note_types = student.note_type_names()
    apkg = rebuild(
        tmp_path, monkeypatch, ("{{stretch reflex}} is lost", "{{stretch reflex}} is gone")
    )
    log = student.import_package(apkg)
    assert (log.new, log.updated, log.conflicting) == (0, 1, 0)
    assert student.note_type_names() == note_types  # no "lmndeck cloze+" copy
    after = {card.id: card for card in student.cards()}
    assert after.keys() == before.keys()
    assert all(student.reps(card_id) == 1 for card_id in after)
    assert all(student.revlog_count(card_id) == 1 for card_id in after)
    assert student.empty_cards() == []
    assert any("is gone" in visible(card.answer) for card in after.values())
