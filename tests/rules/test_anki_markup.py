from __future__ import annotations

import pytest

from tests.conftest import WriteCards
from tests.rules.helpers import found


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("{{c1::atrophy}}", "Anki's cloze syntax"),
        ("{{Front}}", "an Anki field or deletion in braces"),
        ("[sound:babinski.mp3]", "Anki's sound tag"),
        ("[$]x^2[/$]", "Anki's LaTeX markup"),
        ("\\\\(x\\\\)", "MathJax markup"),
        ("[[type:Back]]", "Anki's template markup"),
        ("a <b>bold</b> claim", "an HTML tag"),
        ("tone&nbsp;low", "an HTML entity"),
    ],
)
def test_markup_on_a_basic_card(write_cards: WriteCards, text: str, what: str) -> None:
    body = f'  - id: card\n    front: "Which sign is {text}?"\n    back: Clonus\n'
    ((line, column, message),) = found(write_cards, body, "anki-markup")
    assert (line, column) == (5, 5)
    assert what in message


def test_cloze_facts_cells_and_plain_text(write_cards: WriteCards) -> None:
    body = """\
  - id: fine
    text: "Spasticity is velocity-dependent: {{tone}} rises with speed (x < y > z) & more."
  - id: extra
    text: Clonus is {{rhythmic}}.
    extra: "[sound:clonus.mp3]"
comparisons:
  - id: t
    title: A vs B
    columns: {a: Upper, b: Lower}
    rows:
      - {feature: Tone, a: "<i>low</i>", b: high}
      - {feature: Bulk, a: low, b: high, lint: {ignore: [anki-markup]}, extra: no}
"""
    body = body.replace(", extra: no", "")
    assert [(line, column) for line, column, _ in found(write_cards, body, "anki-markup")] == [
        (7, 5),
        (15, 28),
    ]
