"""Basic cards (front/back, optionally reversed), checked in a real Anki collection."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from lmndeck.cli import main
from lmndeck.reconcile import REMOVED_TAG
from tests.anki_client import visible
from tests.conftest import WriteCards
from tests.test_updates import Student

V1 = """\
deck: Basics
sources:
  video: {youtube: xWPaCACoam4, title: A video}
source: video 10:14
facts:
  - id: babinski-umn
    front: A positive Babinski sign points to which lesion?
    back: UMN lesion
    extra: The great toe dorsiflexes.
  - id: fasciculation
    front: Fasciculations
    back: Involuntary twitching of muscle fibres
    reverse: true
    source: video 08:09
"""


@pytest.fixture
def student(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Student]:
    result = Student(tmp_path, monkeypatch)
    log = result.publish(V1)
    assert (log.new, log.updated, log.conflicting) == (3, 0, 0)  # the reverse is a note too
    yield result
    result.collection.close()


def test_basic_cards_show_the_front_and_never_the_answer_on_it(student: Student) -> None:
    cards = {visible(card.question).strip(): card for card in student.collection.cards()}
    assert set(cards) == {
        "A positive Babinski sign points to which lesion?",
        "Fasciculations",
        "Involuntary twitching of muscle fibres",
    }
    for question, card in cards.items():
        answer = visible(card.answer)
        asked_back = answer.split(question, 1)[1]
        assert asked_back.strip()  # the back shows an answer below the front
        assert question not in asked_back or question == ""
    babinski = student.card("UMN lesion")
    assert "The great toe dorsiflexes." in visible(babinski.answer)
    assert "xWPaCACoam4&amp;t=614s" in babinski.answer  # the source, to the second


def test_an_edited_basic_card_updates_in_place_and_keeps_its_history(student: Student) -> None:
    before = student.card("UMN lesion")
    reps = student.review_all()
    log = student.publish(V1.replace("back: UMN lesion", "back: An upper motor neuron lesion"))
    assert (log.new, log.updated, log.conflicting) == (0, 1, 0)
    assert student.card("An upper motor neuron lesion").id == before.id
    student.assert_history_kept(reps)
    student.assert_clean()


def test_turning_reverse_off_and_on_again_keeps_the_reverse_cards_history(
    student: Student,
) -> None:
    reverse = student.card("Fasciculations")
    reps = student.review_all()
    off = student.publish(V1.replace("    reverse: true\n", ""))
    assert (off.new, off.updated, off.conflicting) == (0, 1, 0)  # the reverse becomes removed
    assert student.collection.notes(f"tag:{REMOVED_TAG}").keys()
    on = student.publish(V1)
    assert (on.new, on.updated, on.conflicting) == (0, 1, 0)  # the same note comes back
    assert student.card("Fasciculations").id == reverse.id
    assert not student.collection.notes(f"tag:{REMOVED_TAG}")
    student.assert_history_kept(reps)
    student.assert_clean()


def test_a_renamed_basic_card_keeps_both_directions_with_was(student: Student) -> None:
    before = {card.id for card in student.collection.cards()}
    reps = student.review_all()
    log = student.publish(
        V1.replace("  - id: fasciculation\n", "  - id: fasciculations\n    was: fasciculation\n")
    )
    assert (log.new, log.updated, log.conflicting) == (0, 0, 0)
    assert {card.id for card in student.collection.cards()} == before
    student.assert_history_kept(reps)


@pytest.mark.parametrize(
    ("fact", "expected"),
    [
        pytest.param(
            "  - {id: a, front: Q}\n",
            "deck.yaml:5:5: error[missing-key]: a basic card is missing the key 'back'",
            id="no-back",
        ),
        pytest.param(
            "  - {id: a, front: Q, back: A, text: '{{x}}'}\n",
            "deck.yaml:5:32: error[unknown-key]: unknown key 'text' in a basic card",
            id="front-and-text",
        ),
        pytest.param(
            "  - {id: a, front: Q, back: A, reverse: maybe}\n",
            "deck.yaml:5:41: error[wrong-type]: reverse must be true or false, not 'maybe'",
            id="reverse-not-a-flag",
        ),
    ],
)
def test_basic_card_mistakes_are_reported_at_their_place(
    write_cards: WriteCards, fact: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cards = write_cards(
        "deck: D\nsources: {t: {title: T}}\nsource: t\nfacts:\n" + fact, "deck.yaml"
    )
    monkeypatch.chdir(cards)
    result = CliRunner().invoke(main, ["check", "."])
    assert result.exit_code == 1
    assert expected in result.output, result.output
    assert "hint:" in result.output
