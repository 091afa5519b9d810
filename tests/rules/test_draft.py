from __future__ import annotations

from tests.conftest import WriteCards
from tests.rules.helpers import found

FACTS = """\
  - id: reviewed
    text: In an LMN lesion, muscles show {{atrophy}}.
  - id: unfinished
    text: In a UMN lesion, muscle tone is {{increased}}.
    draft: true
comparisons:
  - id: t
    title: LMN vs UMN lesion
    draft: true
    columns: {lmn: LMN lesion, umn: UMN lesion}
    rows:
      - {feature: Tone, lmn: Reduced, umn: Increased}
"""


def test_each_draft_is_reported_at_its_item(write_cards: WriteCards) -> None:
    assert found(write_cards, FACTS, "draft") == [
        (7, 5, "draft fact 'unfinished' is left out of the deck"),
        (11, 5, "draft comparison 't' is left out of the deck"),
    ]


def test_a_project_without_drafts_has_none(write_cards: WriteCards) -> None:
    assert found(write_cards, FACTS.replace("    draft: true\n", ""), "draft") == []


def test_the_rule_can_be_disabled(write_cards: WriteCards) -> None:
    assert found(write_cards, FACTS, "draft", "lint: {rules: {draft: disable}}") == []
