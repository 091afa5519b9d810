from __future__ import annotations

from tests.conftest import WriteCards
from tests.rules.helpers import found


def test_fronts_with_too_few_words(write_cards: WriteCards) -> None:
    body = """\
  - id: vague
    text: Atrophy is {{muscle wasting}}.
  - id: enough
    text: In an LMN lesion, muscles show {{atrophy}}.
  - id: two-cards
    text: "{{Polio}} and {{SMA}} hit motor neurons."
  - id: prompt
    text: Signs
    list: [a, b]
  - id: basic
    front: Clonus?
    back: Rhythmic contractions
  - id: question
    front: Define clonus
    back: Rhythmic contractions
"""
    assert found(write_cards, body, "no-context") == [
        (6, 22, "the card of 'muscle wasting' shows 2 words besides its answer (fewer than 4)"),
        (11, 5, "the card of 'a' shows 1 word besides its answer (fewer than 4)"),
        (
            14,
            5,
            "the card of 'Rhythmic contractions' shows 1 word besides its answer (fewer than 2)",
        ),
    ]


def test_hints_count_as_context(write_cards: WriteCards) -> None:
    body = """\
  - id: hinted
    text: Atrophy is {{muscle wasting::loss of what?}}.
"""
    assert found(write_cards, body, "no-context") == []


def test_options_and_opting_out(write_cards: WriteCards) -> None:
    body = """\
  - id: vague
    text: Atrophy is {{muscle wasting}}.
  - id: ignored
    text: Hypotonia is {{low tone}}.
    lint: {ignore: [no-context]}
"""
    assert [line for line, _, _ in found(write_cards, body, "no-context")] == [6]
    config = "lint: {rules: {no-context: {min-words: 2, basic-min-words: 1}}}"
    assert found(write_cards, body, "no-context", config) == []
