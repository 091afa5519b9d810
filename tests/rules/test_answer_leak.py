from __future__ import annotations

from pathlib import Path

from lmndeck.pipeline import build
from lmndeck.project import load_project
from lmndeck.rules.base import cards as lint_cards
from lmndeck.wording import words
from tests.anki_client import AnkiCollection, visible
from tests.conftest import WriteCards
from tests.rules.helpers import HEADER, found


def test_a_deletion_whose_answer_is_on_its_own_front(write_cards: WriteCards) -> None:
    body = """\
  - id: bad
    text: A lower motor neuron lesion is a lesion of the {{Lower  Motor neuron}}.
  - id: other-deletion-shows-it
    text: "{{Fasciculations}} are a sign; {{fasciculations}} are twitches."
  - id: good
    text: An LMN lesion is a lesion of the neurons from the {{anterior horn}} on.
  - id: word-inside-another-word
    text: Anterior horn cells are {{motor}} neurons; a motorway is not one.
"""
    problems = found(write_cards, body, "answer-leak")
    assert [(line, column) for line, column, _ in problems] == [(6, 58), (8, 12), (8, 43)]
    assert problems[0][2] == (
        "the front of the card of 'Lower  Motor neuron' already says 'Lower  Motor neuron'"
    )


def test_a_hint_that_gives_the_answer_leaks_one_that_offers_choices_does_not(
    write_cards: WriteCards,
) -> None:
    body = """\
  - id: hint-says-it
    text: Fasciculations are a sign of an {{LMN::LMN lesion}} lesion.
  - id: choice
    text: Fasciculations are a sign of an {{LMN::UMN or LMN?}} lesion.
  - id: slash
    text: Fasciculations are a sign of an {{LMN::UMN/LMN}} lesion.
"""
    assert [line for line, _, _ in found(write_cards, body, "answer-leak")] == [6]


def test_basic_list_and_cell_cards(write_cards: WriteCards) -> None:
    body = """\
  - id: basic
    front: Which sign is a Babinski sign?
    back: Babinski sign
  - id: reverse
    front: Clonus
    back: Rhythmic contractions, as in clonus
    reverse: true
  - id: items
    text: Weakness and atrophy
    list: [atrophy, muscle weakness of the face, face, tone]
comparisons:
  - id: t
    title: Spastic vs flaccid
    columns: {a: UMN, b: LMN}
    rows:
      - {feature: Tone, a: Spastic, b: low}
      - {feature: Reflexes, a: brisk, b: absent}
"""
    problems = found(write_cards, body, "answer-leak")
    assert [(line, column) for line, column, _ in problems] == [
        (5, 5),
        (8, 5),
        (14, 12),
        (14, 50),
        (20, 28),
    ]


def test_opting_out_at_the_fact_the_row_and_the_cell(write_cards: WriteCards) -> None:
    body = """\
  - id: bad
    text: The {{Babinski}} sign is the Babinski sign.
    lint: {ignore: [answer-leak]}
comparisons:
  - id: t
    title: Spastic vs flaccid
    columns: {a: UMN, b: LMN}
    rows:
      - {feature: Tone, a: Spastic, b: low, lint: {ignore: answer-leak}}
      - feature: Paralysis
        a: {text: Spastic, lint: {ignore: [answer-leak, long-answer]}}
        b: flaccid
"""
    assert [(line, column) for line, column, _ in found(write_cards, body, "answer-leak")] == [
        (16, 12)  # 'flaccid', in the title; the row and the other cell opt out
    ]


def test_the_fronts_it_reads_are_the_fronts_anki_shows(
    write_cards: WriteCards, tmp_path: Path, collection: AnkiCollection
) -> None:
    body = """\
  - id: fact
    text: "{{Polio}} and {{@pair SMA::which?}} hit {{@pair anterior horn}} cells, {{Polio}} too."
"""
    cards = write_cards(HEADER + body)
    _, apkg = build(cards, tmp_path / "deck.apkg")
    collection.import_package(apkg)
    shown = sorted(tuple(words(visible(card.question))) for card in collection.cards())
    read = sorted(tuple(words(card.context or "")) for card in lint_cards(load_project(cards)))
    assert shown == read
