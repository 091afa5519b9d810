from __future__ import annotations

from tests.conftest import WriteCards
from tests.rules.helpers import found

FACTS = """\
  - id: long
    text: The answer is {{one two three four five six}} here.
  - id: short
    text: The answer is {{one two three four five}} here.
"""


def test_a_deletion_over_the_limit_is_reported_at_its_braces(write_cards: WriteCards) -> None:
    assert found(write_cards, FACTS, "long-answer") == [
        (6, 25, "the answer 'one two three four five six' has 6 words (more than 5)")
    ]


def test_max_words_is_an_option(write_cards: WriteCards) -> None:
    config = "lint: {rules: {long-answer: {max-words: 6}}}"
    assert found(write_cards, FACTS, "long-answer", config) == []
    config = "lint: {rules: {long-answer: {max-words: 4}}}"
    assert [line for line, _, _ in found(write_cards, FACTS, "long-answer", config)] == [6, 8]


def test_list_items_basic_backs_and_cells_are_answers_too(write_cards: WriteCards) -> None:
    body = """\
  - id: items
    text: Things
    list: [a b c d e f, short]
  - id: question
    front: What is it?
    back: one two three four five six
comparisons:
  - id: t
    title: A vs B
    columns: {a: A, b: B}
    rows:
      - {feature: F, a: one two three four five six, b: short}
"""
    assert [(line, column) for line, column, _ in found(write_cards, body, "long-answer")] == [
        (7, 12),
        (8, 5),
        (16, 25),
    ]


def test_a_fact_opts_out_with_its_lint_key(write_cards: WriteCards) -> None:
    body = FACTS.replace(
        "    text: The answer is {{one two three four five six}} here.",
        (
            "    text: The answer is {{one two three four five six}} here.\n"
            "    lint: {ignore: [long-answer]}"
        ),
    )
    assert found(write_cards, body, "long-answer") == []
