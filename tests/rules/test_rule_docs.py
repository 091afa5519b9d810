"""Each rule's documentation stays true: its bad example is reported, its good one is not."""

from __future__ import annotations

import re
import textwrap

import pytest

from lmndeck.rules import RULES
from lmndeck.rules.base import Rule
from tests.conftest import WriteCards
from tests.rules.helpers import found

COMPARISON = """\
comparisons:
  - id: t
    title: Lesions
    columns: {lmn: LMN lesion, umn: UMN lesion}
    rows:
"""


def example(rule: Rule, label: str) -> str | None:
    """The YAML block after 'Bad::' (or after the '::' of the 'Good' paragraph), as a cards
    file body: facts as they are, a row inside a comparison."""
    doc = rule.__doc__ or ""
    match = re.search(rf"\n{label}\b[^\n]*(?:\n[^\n]+)*::\n\n((?:    .*\n|\n)+)", doc)
    if match is None:
        return None
    block = textwrap.dedent(match.group(1)).strip("\n") + "\n"
    if block.startswith("- feature:"):
        return (
            "  - id: fact\n    text: A {{fact}} in the file.\n"
            + COMPARISON
            + textwrap.indent(block, "      ")
        )
    return textwrap.indent(block, "  ")


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.ID.value)
def test_the_bad_example_is_reported_and_the_good_one_is_not(
    write_cards: WriteCards, rule: Rule
) -> None:
    bad, good = example(rule, "Bad"), example(rule, "Good")
    assert bad is not None
    assert found(write_cards, bad, rule.ID.value)
    if good is not None:
        assert found(write_cards, good, rule.ID.value) == []
