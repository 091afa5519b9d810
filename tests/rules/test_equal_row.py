from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from lmndeck.cli import main
from tests.anki_client import AnkiCollection, visible
from tests.conftest import WriteCards
from tests.rules.helpers import HEADER, found

# A fact (the helper's header opens 'facts:'), then a comparison 't', its title to follow
COMPARISON = """\
  - id: fact
    text: In an LMN lesion, muscles show {{atrophy}}.
comparisons:
  - id: t
"""
TABLE = (
    COMPARISON
    + """\
    title: A vs B
    columns: {a: Upper, b: Lower, c: Mixed}
    rows:
      - {id: weakness, feature: Weakness, a: present, b: Present., c: " present"}
      - {id: tone, feature: Tone, a: low, b: high}
      - {id: one, feature: One cell, a: alone}
      - feature: Bulk
        lint: {ignore: [equal-row]}
        a: normal
        b: normal
"""
)


def test_a_row_of_equal_cells_is_reported_at_the_row(write_cards: WriteCards) -> None:
    assert found(write_cards, TABLE, "equal-row") == [
        (12, 9, "every cell of the row 'Weakness' says 'present'")
    ]


def test_the_rule_can_be_disabled(write_cards: WriteCards) -> None:
    assert found(write_cards, TABLE, "equal-row", "lint: {rules: {equal-row: disable}}") == []


SYMBOLS = (
    COMPARISON
    + """\
    title: Acidosis vs alkalosis
    columns: {a: Acidosis, b: Alkalosis}
    rows:
      - {feature: pH, a: < 7.30, b: "> 7.30"}
      - {feature: Bicarbonate, a: ↓, b: ↑}
      - {feature: Base excess, a: \u22125, b: +5}
      - {feature: Rate, a: 7.30, b: 7.3}
      - {feature: Anion gap, a: "*raised*", b: raised}
      - {feature: Potassium, a: ±, b: +}
      - {feature: Gap, a: ≥ 12, b: ≤ 12}
      - {feature: Range, a: 5\u201310, b: 5-10}
      - {feature: Excess, a: \u22122, b: -2}
"""
)


def test_symbols_and_numbers_make_cells_differ(write_cards: WriteCards) -> None:
    assert found(write_cards, SYMBOLS, "equal-row") == [
        (16, 9, "every cell of the row 'Anion gap' says '*raised*'"),
        (19, 9, "every cell of the row 'Range' says '5\u201310'"),  # one range, two dashes
        (20, 9, "every cell of the row 'Excess' says '\u22122'"),
    ]


def test_a_reported_row_still_makes_its_cell_cards_as_the_docs_say(
    write_cards: WriteCards, tmp_path: Path, collection: AnkiCollection
) -> None:
    cards = write_cards(HEADER + SYMBOLS)
    lint = CliRunner().invoke(main, ["lint", str(cards)])
    assert "every cell of the row 'Anion gap'" in lint.output
    deck = tmp_path / "deck.apkg"
    built = CliRunner().invoke(main, ["build", str(cards), "-o", str(deck)])
    assert built.exit_code == 0, built.output
    collection.import_package(deck)
    cells = collection.cards('note:"lmndeck comparison cell"')
    asked = [visible(card.question) for card in cells]
    assert sum("Anion gap" in front for front in asked) == 2  # a cell card for each column
    picks = [visible(card.question) for card in collection.cards('note:"lmndeck discrimination"')]
    # '*raised*' (shown 'raised') and 'raised' say one thing: neither points to one column, so
    # no pair of cards says 'raised' is each of the columns
    assert not any("Anion gap" in front for front in picks)
    assert sum("pH" in front for front in picks) == 2  # '< 7.30' and '> 7.30' differ
