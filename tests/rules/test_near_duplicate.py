from __future__ import annotations

from tests.conftest import WriteCards
from tests.rules.helpers import found

FACTS = """\
  - id: polio-lmn
    text: Poliomyelitis is a classic example of paralysis from {{LMN}} lesions.
  - id: sma
    text: Spinal muscular atrophy is inherited in an {{autosomal recessive}} pattern.
  - id: polio-lmn-again
    text: Poliomyelitis is a classic example of a paralysis from {{LMN}} lesions alone.
  - id: as-a-question
    front: Poliomyelitis is a classic example of paralysis from which lesions?
    back: LMN lesions
"""


def test_the_later_of_two_near_identical_facts_is_reported(write_cards: WriteCards) -> None:
    assert found(write_cards, FACTS, "near-duplicate") == [
        (9, 5, "the fact 'polio-lmn-again' says nearly what 'polio-lmn' says"),
        (11, 5, "the fact 'as-a-question' says nearly what 'polio-lmn' says"),
    ]


def test_the_threshold_is_an_option(write_cards: WriteCards) -> None:
    config = "lint: {rules: {near-duplicate: {threshold: 0.95}}}"
    assert found(write_cards, FACTS, "near-duplicate", config) == []
    config = "lint: {rules: {near-duplicate: {threshold: 0.05}}}"
    assert len(found(write_cards, FACTS, "near-duplicate", config)) == 3


def test_either_fact_opts_out(write_cards: WriteCards) -> None:
    body = FACTS.replace(
        "  - id: polio-lmn\n", "  - id: polio-lmn\n    lint: {ignore: [near-duplicate]}\n"
    )
    assert found(write_cards, body, "near-duplicate") == []


def test_the_related_position_is_the_first_fact(write_cards: WriteCards) -> None:
    from lmndeck.rules import lint

    cards = write_cards(FACTS_FILE)
    (problem, _) = [p for p in lint(cards) if p.code.value == "near-duplicate"]
    assert problem.related is not None and problem.related.line == 5


FACTS_FILE = (
    """\
deck: Demo
sources: {text: {title: Course text}, video: {youtube: xWPaCACoam4, title: A video}}
source: text
facts:
"""
    + FACTS
)
