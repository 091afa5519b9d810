"""A comparison cell's back shows its row, not the whole table: the package grows linearly with
the number of cells, and collections built when backs showed the whole table update in place."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from lmndeck.pipeline import build
from tests.anki_client import AnkiCollection, visible

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "before-row-backs"
LATER = 1_767_225_600 + 86_400  # a day after the fixture was built


def table_cards(directory: Path, rows: int, columns: int) -> Path:
    """A cards directory with one ``rows`` x ``columns`` table of distinct, sentence-long cells."""
    lines = ["deck: Big", "sources: {s: {title: S}}", "source: s", "comparisons:"]
    lines += ["  - id: big", "    title: A big table", "    columns:"]
    lines += [f"      c{column}: Column number {column}" for column in range(columns)]
    lines.append("    rows:")
    for row in range(rows):
        lines.append(f"      - feature: Feature number {row}")
        lines += [
            f"        c{column}: The text of the cell in row {row} and column {column}"
            for column in range(columns)
        ]
    cards = directory / "cards"
    cards.mkdir(parents=True)
    (cards / "big.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return cards


def collection_size(tmp_path: Path, rows: int, columns: int) -> int:
    """Bytes of the SQLite collection inside the built package."""
    directory = tmp_path / f"{rows}x{columns}"
    _, apkg = build(table_cards(directory, rows, columns), directory / "deck.apkg")
    with zipfile.ZipFile(apkg) as package:
        return package.getinfo("collection.anki2").file_size


def test_a_200_by_8_table_makes_a_collection_under_8_mb(tmp_path: Path) -> None:
    assert collection_size(tmp_path, 200, 8) < 8_000_000  # 125 MB when backs showed the table


def test_the_collection_grows_linearly_with_the_number_of_cells(tmp_path: Path) -> None:
    per_cell = [collection_size(tmp_path, rows, 8) / (rows * 8) for rows in (50, 200)]
    assert per_cell[1] < per_cell[0] * 1.1  # whole-table backs: 4 times as much per cell


def test_a_collection_built_when_backs_showed_the_whole_table_updates_in_place(
    tmp_path: Path, collection: AnkiCollection, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The fixture's deck and lock were built by lmndeck before this change.
    student = collection
    first = student.import_package(FIXTURE / "deck.apkg")
    assert (first.new, first.conflicting) == (9, 0)
    before = {card.id: card for card in student.cards()}
    cells = [card for card in before.values() if "lmn-table" in card.answer]
    assert len(cells) == 8
    for card in cells:
        student.review(card.id)
    note_types = student.note_type_names()

    cards = shutil.copytree(FIXTURE / "cards", tmp_path / "cards")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(LATER))
    _, apkg = build(cards, tmp_path / "dist" / "deck.apkg")
    log = student.import_package(apkg)

    assert (log.new, log.updated, log.conflicting) == (0, 8, 0)  # every cell's back changed
    assert student.note_type_names() == note_types  # no "lmndeck comparison cell+" copy
    after = {card.id: card for card in student.cards()}
    assert after.keys() == before.keys()
    for card in cells:
        assert student.reps(card.id) == 1
        assert student.revlog_count(card.id) == 1
    assert ".lmn-pairs" in student.note_type("lmndeck comparison cell")["css"]
    (tone_umn,) = [c for c in after.values() if '<dd class="lmn-asked">Spasticity' in c.answer]
    assert "lmn-table" not in tone_umn.answer
    back = visible(tone_umn.answer)
    assert "Reduced (hypotonia)" in back and "Altered" in back  # the asked row, every column
    assert "Atrophy" not in back and "Hyperactive" not in back  # no other row's answers
