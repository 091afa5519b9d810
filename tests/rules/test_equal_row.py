from __future__ import annotations

from tests.conftest import WriteCards
from tests.rules.helpers import found

TABLE = """\
  - id: fact
    text: In an LMN lesion, muscles show {{atrophy}}.
comparisons:
  - id: t
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


def test_a_row_of_equal_cells_is_reported_at_the_row(write_cards: WriteCards) -> None:
    assert found(write_cards, TABLE, "equal-row") == [
        (12, 9, "every cell of the row 'Weakness' says 'present'")
    ]


def test_the_rule_can_be_disabled(write_cards: WriteCards) -> None:
    assert found(write_cards, TABLE, "equal-row", "lint: {rules: {equal-row: disable}}") == []
