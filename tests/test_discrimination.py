"""Discrimination cards: a cell unique in its row asks "which column?" (real Anki backend).

The front shows the table, the row's feature, the cell and every column as a choice, never the
answer elsewhere; the back gives the column. Renames with 'was:' keep a card's history, as for
cells; 'cards:' and 'discrimination: false' switch cards off.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from lmndeck.cli import main
from lmndeck.kinds.comparison import (
    Cell,
    Column,
    Row,
    discriminating,
    names_own_column,
    own_abbreviations,
)
from lmndeck.model import SourceRef, TextSource
from lmndeck.reconcile import REMOVED_TAG
from tests.anki_client import RenderedCard, visible
from tests.test_updates import Student

V1 = """\
deck: Discrimination
sources: {text: {title: Course text}}
source: text
comparisons:
  - id: lesions
    title: LMN vs UMN
    columns: {lmn: LMN lesion, umn: UMN lesion}
    rows:
      - {id: tone, feature: Muscle tone, lmn: Reduced, umn: Spasticity}
      - {id: babinski, feature: Babinski sign, lmn: {text: Negative, discrimination: false}, umn: Positive}
      - {id: weakness, feature: Weakness, lmn: Present, umn: " present "}
      - {id: bulk, feature: Bulk, lmn: Atrophy}
"""

LMN = Column("lmn", "LMN lesion")
UMN = Column("umn", "UMN lesion")
SOURCE = SourceRef(TextSource("text", "Course text", None, None))


def row(*texts: str | None) -> Row:
    return Row("r", "R", tuple(Cell(text, SOURCE) if text else None for text in texts))


def test_only_cells_unique_in_their_row_discriminate() -> None:
    assert [column.id for column, _ in discriminating(row("A", "B"), (LMN, UMN))] == ["lmn", "umn"]
    assert discriminating(row("Present", "  PRESENT "), (LMN, UMN)) == []
    assert [column.id for column, _ in discriminating(row(None, "B"), (LMN, UMN))] == ["umn"]
    off = Row(
        "r", "R", (Cell("No fasciculations", SOURCE, discrimination=False), Cell("F", SOURCE))
    )
    assert [column.id for column, _ in discriminating(off, (LMN, UMN))] == ["umn"]


def names(text: str, column: Column, columns: tuple[Column, ...]) -> bool:
    return names_own_column(text, column.label, own_abbreviations(columns)[columns.index(column)])


def test_a_cell_names_its_column_by_its_label_or_an_abbreviation_only_it_has() -> None:
    assert names("Bilateral UMN innervation", UMN, (LMN, UMN))
    assert names("as in an lmn lesion", LMN, (LMN, UMN))
    assert not names("Spared", UMN, (LMN, UMN))
    assert not names("LMN signs absent", UMN, (LMN, UMN))
    sma = Column("sma", "Spinal muscular atrophy")
    polio = Column("polio", "Poliomyelitis")
    assert not names("anterior horn of the spinal cord", sma, (polio, sma))
    assert names("a form of spinal  muscular atrophy", sma, (polio, sma))
    # an abbreviation two labels share names neither
    assert not names("UMN", UMN, (Column("a", "UMN early"), UMN))


@pytest.fixture
def student(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Student]:
    result = Student(tmp_path, monkeypatch)
    log = result.publish(V1)
    # 7 cells; discrimination: tone x2, babinski's positive, bulk's lone cell
    assert (log.new, log.updated, log.conflicting) == (11, 0, 0)
    yield result
    result.collection.close()


def discrimination_cards(student: Student) -> list[RenderedCard]:
    return student.collection.cards('"note:lmndeck discrimination"')


def test_the_front_asks_which_column_and_never_shows_the_answer_beyond_the_choices(
    student: Student,
) -> None:
    cards = discrimination_cards(student)
    fronts = sorted(" ".join(visible(card.question).split()) for card in cards)
    assert fronts == [
        "LMN vs UMN Babinski sign: Positive — which one? LMN lesion or UMN lesion",
        "LMN vs UMN Bulk: Atrophy — which one? LMN lesion or UMN lesion",
        "LMN vs UMN Muscle tone: Reduced — which one? LMN lesion or UMN lesion",
        "LMN vs UMN Muscle tone: Spasticity — which one? LMN lesion or UMN lesion",
    ]
    for card in cards:
        answer = re.findall(r'class="lmn lmn-answer">([^<]+)<', card.answer)
        asked = visible(card.question).split("which one?")[0]
        assert answer and answer[0] not in asked
    spasticity = student.card_about("Spasticity — which one?")
    assert 'class="lmn lmn-answer">UMN lesion<' in spasticity.answer
    assert "Reduced" in visible(spasticity.answer)  # the row across the columns
    assert "Course text" in visible(spasticity.answer)  # the cell's source
    student.assert_clean()


def test_renames_and_edits_keep_the_cards_and_their_history(student: Student) -> None:
    before = {card.id for card in discrimination_cards(student)}
    reps = student.review_all()
    renamed = (
        V1.replace("  - id: lesions\n", "  - id: lmn-vs-umn\n    was: lesions\n")
        .replace("{lmn: LMN lesion,", "{lower: {label: LMN lesion, was: lmn},")
        .replace("lmn: Reduced", "lower: Reduced (hypotonia)")
        .replace("lmn: {text: Negative", "lower: {text: Negative")
        .replace("lmn: Present", "lower: Present")
        .replace("lmn: Atrophy", "lower: Atrophy")
        .replace("{id: tone,", "{id: muscle-tone, was: tone,")
    )
    log = student.publish(renamed)
    assert (log.new, log.conflicting) == (0, 0)
    assert {card.id for card in discrimination_cards(student)} == before
    assert student.collection.notes(f"tag:{REMOVED_TAG}") == {}
    student.assert_history_kept(reps)
    student.assert_clean()
    assert student.card_about("Reduced (hypotonia) — which one?")


def test_switching_cards_off_leaves_tombstones_and_back_on_brings_them_back(
    student: Student,
) -> None:
    before = {card.id for card in discrimination_cards(student)}
    reps = student.review_all()
    cells_only = V1.replace(
        "    title: LMN vs UMN\n", "    title: LMN vs UMN\n    cards: [cells]\n"
    )
    log = student.publish(cells_only)
    assert (log.new, log.updated, log.conflicting) == (0, 4, 0)
    assert len(student.collection.notes(f"tag:{REMOVED_TAG}")) == 4
    log = student.publish(
        V1.replace("umn: Positive", "umn: {text: Positive, discrimination: false}")
    )
    assert (log.new, log.updated, log.conflicting) == (0, 3, 0)
    assert len(student.collection.notes(f"tag:{REMOVED_TAG}")) == 1
    assert {card.id for card in discrimination_cards(student)} == before
    student.assert_history_kept(reps)
    student.assert_clean()


@pytest.mark.parametrize(
    ("edit", "where", "code", "message"),
    [
        (
            ("    rows:\n", "    cards: []\n    rows:\n"),
            "8:12",
            "invalid-cards",
            "the comparison makes no cards",
        ),
        (
            ("    rows:\n", "    cards: [cells, discrimnation]\n    rows:\n"),
            "8:20",
            "invalid-cards",
            "'discrimnation' is not a kind of comparison card",
        ),
        (
            ("    rows:\n", "    cards: cells\n    rows:\n"),
            "8:12",
            "invalid-cards",
            "cards must be a list, not the text 'cells'",
        ),
        (
            ("discrimination: false", "discrimination: no"),
            "10:86",
            "wrong-type",
            "discrimination must be true or false, not the text 'no'",
        ),
        (
            ("umn: Spasticity", "umn: UMN spasticity"),
            "9:61",
            "answer-in-cell",
            "the cell names its own column 'UMN lesion'",
        ),
    ],
)
def test_mistakes_point_at_the_exact_place(
    tmp_path: Path, edit: tuple[str, str], where: str, code: str, message: str
) -> None:
    cards = tmp_path / "cards"
    cards.mkdir()
    (cards / "deck.yaml").write_text(V1.replace(*edit), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(cards)])
    assert result.exit_code == 1
    assert f"deck.yaml:{where}: error[{code}]: {message}" in result.output, result.output
    assert "Traceback" not in result.output
