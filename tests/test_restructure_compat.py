"""Collections that imported a deck built before the restructure into card kinds update in
place from a build after it: same notes, same note types, reviews kept (real Anki backend)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import pytest

from lmndeck import kinds
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
    assert [as_before(row) for row in now["notes"]] == [as_before(row) for row in before["notes"]]
    assert note_types_less_comparisons(now) == note_types_less_comparisons(before)
    removed = {row[0] for row in before["notes"] if REMOVED_TAG in str(row[5])}
    assert len(removed) == 1
    kept = [row for row in before["cards"] if row[1] not in removed]
    changed = {
        row[0] for row in now["notes"] if row[2] in COMPARISONS
    }  # a card's time is its note's
    assert [without_due(row, changed) for row in now["cards"]] == [
        without_due(row, changed) for row in kept
    ]
    assert in_study_order(now["cards"]) == in_study_order(kept)
    lock = (tmp_path / "cards" / "lmndeck.lock").read_bytes()
    assert lock_less_changes(lock) == lock_less_changes(
        (FIXTURE / "cards" / "lmndeck.lock").read_bytes()
    )


def lock_less_changes(lock: bytes) -> object:
    """The lock less what the comparison notes' new sort field changed: their note types, and
    their notes' content hash and time (their ids, GUIDs and decks stay)."""
    data = json.loads(lock)
    for kind in ("cell", "discrimination"):
        data["note_types"].pop(kind, None)
    for record in data["notes"].values():
        if record["kind"] in ("cell", "discrimination"):
            del record["hash"], record["mod"]
    return data


DUE = 8  # the cards table's column of new-card positions
COMPARISONS = {kinds.NOTE_TYPES[kind].model_id for kind in ("cell", "discrimination")}


def as_before(note: tuple[object, ...]) -> tuple[object, ...]:
    """A comparison note as the fixture's lmndeck wrote it, less its time: since, its first
    field (Anki's sort field) names the cell and the title moved to a reserved slot, so each
    such note changed once. Other notes are as they were."""
    if note[2] not in COMPARISONS:
        return note
    first, *middle, last, reserved = str(note[6]).split("\x1f")
    if last:  # as lmndeck writes it now
        assert first == f"{last} / " + " / ".join(middle[:2])
        first, last = last, ""
    return (
        *note[:3],
        None,
        *note[4:6],
        "\x1f".join((first, *middle, last, reserved)),
        first,
        *note[8:],
    )


def note_types_less_comparisons(package: dict[str, list[tuple[object, ...]]]) -> object:
    ((models,),) = package["models"]
    data = json.loads(str(models))
    return {key: value for key, value in data.items() if int(key) not in COMPARISONS}


def without_due(row: tuple[object, ...], changed: set[object]) -> tuple[object, ...]:
    """The card less its new-card position, and less its time if its note ``changed``."""
    mod = (None,) if row[1] in changed else row[4:5]
    return row[:4] + mod + row[5:DUE] + row[DUE + 1 :]


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
    # the reworded fact, and the 4 comparison notes whose first field now names their cell
    assert (log.new, log.updated, log.conflicting) == (0, 5, 0)
    assert student.note_type_names() == note_types  # no "lmndeck cloze+" copy
    after = {card.id: card for card in student.cards()}
    assert after.keys() == before.keys()
    assert all(student.reps(card_id) == 1 for card_id in after)
    assert all(student.revlog_count(card_id) == 1 for card_id in after)
    assert student.empty_cards() == []
    assert any("is gone" in visible(card.answer) for card in after.values())
