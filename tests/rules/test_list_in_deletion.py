from __future__ import annotations

from tests.conftest import WriteCards
from tests.rules.helpers import found


def test_a_list_in_one_deletion(write_cards: WriteCards) -> None:
    body = """\
  - id: list
    text: Other causes are {{Lyme disease, herpes zoster and sarcoidosis}}.
  - id: pair
    text: Reflexes are {{hypoactive or absent}}; LMNs are {{alpha and gamma}} neurons.
"""
    assert found(write_cards, body, "list-in-deletion") == [
        (6, 28, "the answer 'Lyme disease, herpes zoster and sarcoidosis' is a list of 3 items")
    ]


def test_deletions_side_by_side_in_an_enumeration(write_cards: WriteCards) -> None:
    body = """\
  - id: enumeration
    text: Signs are {{weakness}}, {{atrophy}}, and {{hypotonia}}, unlike {{fasciculations}}.
  - id: sentence
    text: "{{Polio}} and {{SMA}} are diseases of the {{anterior horn}}."
"""
    assert found(write_cards, body, "list-in-deletion") == [
        (6, 21, "3 deletions in a row make an enumeration: each gap has no single answer")
    ]


def test_min_items_is_an_option_and_a_fact_opts_out(write_cards: WriteCards) -> None:
    body = """\
  - id: pair
    text: Reflexes are {{hypoactive or absent}}.
  - id: ignored
    text: Reflexes are {{hypoactive or absent}} too.
    lint: {ignore: [list-in-deletion]}
"""
    config = "lint: {rules: {list-in-deletion: {min-items: 2}}}"
    assert [line for line, _, _ in found(write_cards, body, "list-in-deletion", config)] == [6]
