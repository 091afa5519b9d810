"""New cards come in study order (files in order, in a file as it lists them), with positions
that one added or removed fact does not move across the deck, that Anki keeps on import, and
that its Check Database leaves alone."""

from __future__ import annotations

import sqlite3
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from lmndeck.package import COLLECTION_ENTRY
from lmndeck.pipeline import build, plan
from lmndeck.studyorder import LIMIT, study_positions
from tests.anki_client import AnkiCollection

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from synth import add_one_fact, write_cards


@pytest.mark.parametrize(
    "counts",
    [[1300] * 20, [100_000], [5] * 200, [0, 3, 0, 1], [31_250] * 31, [1] * 1_500_000],
)
def test_positions_rise_through_the_files_and_stay_below_what_check_database_moves(
    counts: list[int],
) -> None:
    positions = study_positions(counts)
    assert len(positions) == sum(counts)
    assert positions == sorted(set(positions)) and positions[:1] in ([1], [])
    if sum(counts) < LIMIT:
        assert positions[-1] < LIMIT


def test_a_note_added_to_a_file_moves_only_the_notes_after_it_in_that_file() -> None:
    before = study_positions([1300] * 20)
    after = study_positions([1300] * 9 + [1301] + [1300] * 10)
    moved = [old for old, new in zip(before, after[: 9 * 1300 + 1], strict=False) if old != new]
    assert moved == []
    assert after[10 * 1300 + 1 :] == before[10 * 1300 :]  # the files after it


def card_rows(deck: Path) -> set[tuple[int, ...]]:
    with zipfile.ZipFile(deck) as package:
        data = package.read(COLLECTION_ENTRY)
    connection = sqlite3.connect(":memory:")
    connection.deserialize(data)
    return set(connection.execute("SELECT id, nid, did, ord, mod, due FROM cards"))


def test_an_added_fact_leaves_the_cards_of_other_files_as_they_were(tmp_path: Path) -> None:
    cards = tmp_path / "cards"
    write_cards(cards, 600, files=6)
    deck = tmp_path / "deck.apkg"
    build(cards, deck, now=1_700_000_000)
    before = card_rows(deck)
    add_one_fact(cards, 1)
    build(cards, deck, now=1_700_000_100)
    after = card_rows(deck)
    changed = after - before
    assert len({deck for _, _, deck, *_ in changed}) == 1  # the edited file's, not the others'
    assert len(changed) < len(before) / 6  # a whole deck's positions: 1,266 rows


def dues(database: Any) -> dict[int, int]:
    return {int(card_id): int(due) for card_id, due in database.all("SELECT id, due FROM cards")}


def test_anki_keeps_the_positions_and_check_database_too(
    tmp_path: Path, collection: AnkiCollection
) -> None:
    cards = tmp_path / "cards"
    write_cards(cards, 200, files=4)
    deck = tmp_path / "deck.apkg"
    build(cards, deck, now=1_700_000_000)
    collection.import_package(deck)
    shipped = {card_id: due for card_id, *_, due in card_rows(deck)}
    database = collection.col.db
    assert database is not None
    assert dues(database) == shipped
    collection.col.fix_integrity()
    assert dues(database) == shipped
    in_anki = database.list(
        "SELECT n.guid FROM cards c JOIN notes n ON n.id = c.nid ORDER BY c.due, c.ord"
    )
    studied = list(dict.fromkeys(in_anki))
    planned = [note.guid for note in plan(cards, output=deck).contents.notes if note.ords]
    assert studied == planned
