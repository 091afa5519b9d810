from __future__ import annotations

from tests.conftest import WriteCards
from tests.rules.helpers import found

FACTS = """\
  - id: four
    text: "{{a}} then {{b}} then {{c}} then {{d}}."
  - id: three-cards
    text: "{{@x a}} then {{@x b}} then {{c}} then {{d}}."
"""


def test_the_first_deletion_over_the_limit_is_reported(write_cards: WriteCards) -> None:
    assert found(write_cards, FACTS, "too-many-deletions") == [
        (6, 45, "the fact has 4 deletions (cards), more than 3")
    ]


def test_max_is_an_option_and_a_fact_opts_out(write_cards: WriteCards) -> None:
    assert found(
        write_cards, FACTS, "too-many-deletions", "lint: {rules: {too-many-deletions: {max: 2}}}"
    ) == [
        (6, 34, "the fact has 4 deletions (cards), more than 2"),
        (8, 51, "the fact has 3 deletions (cards), more than 2"),
    ]
    ignored = FACTS.replace(
        'then {{d}}."\n', 'then {{d}}."\n    lint: {ignore: [too-many-deletions]}\n', 1
    )
    assert found(write_cards, ignored, "too-many-deletions") == []
