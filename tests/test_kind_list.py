"""List facts (overlapping cloze): one card per item, the earlier items as context on the front,
the whole list on the back; stable cards per item through reordering, additions and removals.
Claims about cards are checked on what Anki's own backend imports and renders, and what a
student sees on the front in headless Chromium."""

from __future__ import annotations

import html
import json
import re
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from lmndeck.cli import main
from lmndeck.kinds.listing import item_html
from lmndeck.lock import lock_path
from lmndeck.problems import Code, ContentError, Problem
from lmndeck.project import load_project
from lmndeck.reserved import REMOVED_TAG
from tests.anki_client import RenderedCard, visible
from tests.browser import anki_card, run_page
from tests.conftest import WriteCards
from tests.test_updates import Student

NERVES = ("Oculomotor (III)", "Trochlear (IV)", "Abducens (VI)")
LAYERS = ("Skin", "Connective tissue", "Aponeurosis", "Loose areolar tissue", "Pericranium")

V1 = """\
deck: Lists
sources:
  text: {title: Notes}
source: text
facts:
  - id: eye-nerves
    text: Cranial nerves that move the eye
    list: [Oculomotor (III), Trochlear (IV), Abducens (VI)]
    extra: LR6 SO4, the rest 3.
    tags: [nerves]
  - id: scalp
    text: Layers of the scalp
    ordered: true
    list:
      - Skin
      - Connective tissue
      - Aponeurosis
      - Loose areolar tissue
      - Pericranium
  - id: tone
    text: LMN lesions reduce muscle {{tone}}.
"""


@pytest.fixture
def student(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Student]:
    result = Student(tmp_path, monkeypatch)
    log = result.publish(V1)
    assert (log.new, log.updated, log.conflicting) == (3, 0, 0)
    yield result
    result.collection.close()


def list_cards(student: Student, prompt: str) -> list[RenderedCard]:
    return [card for card in student.collection.cards() if prompt in card.question]


def asked(card: RenderedCard) -> str:
    """The item a list card asks: the one marked on its back ("" for an empty card)."""
    found = re.findall(r'<span class="cloze" data-ordinal="\d+">([^<]*)<', card.answer)
    return "".join(found)


def item_card(student: Student, item: str) -> RenderedCard:
    (found,) = [
        card
        for card in student.collection.cards()
        if "lmn-list" in card.question and asked(card) == item
    ]
    return found


def test_each_item_is_a_card_whose_front_hides_it_and_whose_back_shows_the_whole_list(
    student: Student,
) -> None:
    cards = list_cards(student, "Cranial nerves that move the eye")
    assert sorted(asked(card) for card in cards) == sorted(NERVES)
    for card in cards:
        front, back = visible(card.question), visible(card.answer)
        assert asked(card) not in front and "[...]" in front
        assert all(item in back for item in NERVES)
        assert "LR6 SO4" in back and "Source: Notes" in back
        assert "LR6 SO4" not in front
    (note,) = student.collection.notes("tag:nerves").values()
    assert note.note_type()["name"] == "lmndeck list"
    student.assert_clean()


def test_an_ordered_list_is_numbered_and_says_the_order_matters(student: Student) -> None:
    for card in list_cards(student, "Layers of the scalp"):
        assert "<ol" in card.question and "(in order)" in visible(card.question)
    for card in list_cards(student, "Cranial nerves"):
        assert "<ul" in card.question and "(in order)" not in visible(card.question)


def test_a_student_sees_the_earlier_items_and_not_the_asked_or_later_ones(
    student: Student,
) -> None:
    """What Chromium shows of each front (innerText leaves out what CSS does not display), and
    of each back, with the note type's CSS as Anki gives it."""
    cards = sorted(list_cards(student, "Layers of the scalp"), key=lambda card: card.ord)
    css = student.collection.note_type("lmndeck list")["css"]
    pages = [
        anki_card(side, css, ordinal=card.ord + 1)
        for card in cards
        for side in (card.question, card.answer)
    ]
    shown = shown_text(pages)
    for index, card in enumerate(cards):
        front, back = shown[2 * index], shown[2 * index + 1]
        position = LAYERS.index(asked(card))
        assert all(item in front for item in LAYERS[:position]), front
        assert not any(item in front for item in LAYERS[position:]), front
        assert "[...]" in front
        assert all(item in back for item in LAYERS), back


SHOW = """
window.addEventListener("load", () => {
  const frame = document.getElementById("frame"), texts = [];
  for (const page of JSON.parse(document.getElementById("pages").textContent)) {
    frame.contentDocument.open();
    frame.contentDocument.write(page);
    frame.contentDocument.close();
    texts.push(frame.contentDocument.body.innerText);
  }
  document.getElementById("lmn-layout-result").textContent =
    JSON.stringify({texts}).replace(/</g, "\\\\u003c");
});
"""


def shown_text(pages: list[str]) -> list[str]:
    """The text a reader sees of each page, laid out in one start of headless Chromium."""
    documents = json.dumps(pages).replace("<", "\\u003c")
    page = (
        '<!doctype html><html><body><iframe id="frame" style="width:360px;height:800px">'
        f'</iframe><script type="application/json" id="pages">{documents}</script>'
        '<script type="application/json" id="lmn-layout-result"></script>'
        f"<script>{SHOW}</script></body></html>"
    )
    texts: list[str] = run_page(page)["texts"]
    return texts


def test_reordering_rewording_adding_and_removing_items_keeps_each_items_card(
    student: Student,
) -> None:
    nerves = list_cards(student, "Cranial nerves")
    by_item = {asked(card): card.id for card in nerves}
    reps = student.review_all()
    edited = V1.replace(
        "[Oculomotor (III), Trochlear (IV), Abducens (VI)]",
        "[Abducens (VI), Trochlear nerve (IV), Oculomotor (III)]",
    )
    log = student.publish(edited)
    assert (log.new, log.updated, log.conflicting) == (0, 1, 0)
    assert item_card(student, "Abducens (VI)").id == by_item["Abducens (VI)"]
    assert item_card(student, "Oculomotor (III)").id == by_item["Oculomotor (III)"]
    assert item_card(student, "Trochlear nerve (IV)").id == by_item["Trochlear (IV)"]
    student.assert_history_kept(reps)
    student.assert_clean()

    removed = edited.replace("Trochlear nerve (IV), ", "")
    student.publish(removed)
    assert student.collection.empty_cards() == [by_item["Trochlear (IV)"]]
    assert len(list_cards(student, "Cranial nerves")) == 3  # until the student empties it

    log = student.publish(removed.replace("Oculomotor (III)]", "Oculomotor (III), Optic (II)]"))
    assert (log.new, log.updated, log.conflicting) == (0, 1, 0)
    lock = json.loads(lock_path(student.cards).read_text(encoding="utf-8"))
    record = lock["notes"]["fact/eye-nerves"]
    assert record["deletions"] == {"abducens (vi)": 3, "oculomotor (iii)": 1, "optic (ii)": 4}
    assert record["retired"] == {"trochlear nerve (iv)": 2}
    assert item_card(student, "Optic (II)").id not in by_item.values()
    assert item_card(student, "Abducens (VI)").id == by_item["Abducens (VI)"]
    student.assert_history_kept({k: v for k, v in reps.items() if k != by_item["Trochlear (IV)"]})


def test_a_removed_list_fact_becomes_a_removed_note(student: Student) -> None:
    nerves = sorted(list_cards(student, "Cranial nerves"), key=lambda card: card.ord)
    reps = student.review_all()
    log = student.publish(
        V1.split("  - id: eye-nerves")[0] + "  - id: scalp" + V1.split("  - id: scalp")[1]
    )
    assert (log.new, log.updated, log.conflicting) == (0, 1, 0)
    removed = student.collection.cards(f"tag:{REMOVED_TAG}")
    assert [card.id for card in removed] == [card.id for card in nerves]
    assert "This note was removed" in visible(removed[0].answer)
    # like a removed cloze fact: the removed note keeps its first card, the others are empty
    assert student.collection.empty_cards() == [card.id for card in nerves[1:]]
    student.assert_history_kept(reps)


def test_a_cloze_fact_turned_into_a_list_fact_is_a_new_note(student: Student) -> None:
    (tone,) = list_cards(student, "reduce muscle")
    log = student.publish(
        V1.replace("text: LMN lesions reduce muscle {{tone}}.", "text: T\n    list: [a, b]")
    )
    assert (log.new, log.updated, log.conflicting) == (1, 1, 0)
    assert [card.id for card in student.collection.cards(f"tag:{REMOVED_TAG}")] == [tone.id]
    assert sorted(asked(card) for card in list_cards(student, 'lmn-list-prompt">T<')) == [
        "a",
        "b",
    ]


def test_a_list_fact_cites_a_video_to_the_second(student: Student) -> None:
    student.publish(
        V1.replace("source: text\n", "source: video 08:09\n", 1).replace(
            "  text: {title: Notes}",
            "  text: {title: Notes}\n  video: {youtube: xWPaCACoam4, title: V}",
        )
    )
    for card in list_cards(student, "Cranial nerves"):
        assert "t=489" in card.answer and "t=489" not in card.question


def test_a_list_fact_and_a_cloze_fact_cannot_share_an_id(write_cards: WriteCards) -> None:
    problems = problems_for(
        write_cards, "- id: a\n  text: T\n  list: [x, y]\n- id: a\n  text: '{{b}}'\n"
    )
    assert [problem.code for problem in problems] == [Code.DUPLICATE_ID]


def test_a_renamed_list_fact_keeps_its_cards_with_was(student: Student) -> None:
    before = {card.id for card in list_cards(student, "Cranial nerves")}
    log = student.publish(V1.replace("id: eye-nerves", "id: eye-movers\n    was: eye-nerves"))
    assert (log.new, log.conflicting) == (0, 0)
    assert {card.id for card in list_cards(student, "Cranial nerves")} == before
    student.assert_clean()


def test_the_card_numbers_are_recovered_from_the_last_deck_when_the_lock_is_lost(
    student: Student,
) -> None:
    student.publish(V1.replace("Trochlear (IV), ", ""))
    lock = lock_path(student.cards)
    numbers = json.loads(lock.read_text(encoding="utf-8"))["notes"]["fact/eye-nerves"]
    lock.unlink()
    student.rebuild()
    recovered = json.loads(lock.read_text(encoding="utf-8"))["notes"]["fact/eye-nerves"]
    assert recovered["deletions"] == numbers["deletions"]
    assert set(recovered["retired"].values()) == set(numbers["retired"].values()) == {2}


@pytest.mark.parametrize("item", ["Abducens: VI", "a::b", "::x", "ends}", "}}", "<b>"])
def test_an_item_is_shown_as_typed_never_read_as_anki_markup(student: Student, item: str) -> None:
    student.publish(V1.replace("Abducens (VI)", json.dumps(item)))
    card = item_card(student, item_html(item))
    assert html.unescape(visible(card.answer)).count(item) == 1
    assert student.collection.empty_cards() == []


def test_item_html_leaves_no_markup_that_ends_a_deletion() -> None:
    for item in ("a::b", ":a", "a:::b", "x}}", "}"):
        html = item_html(item)
        assert "::" not in html and "}" not in html and not html.startswith(":")


def problems_for(write_cards: WriteCards, facts: str) -> list[Problem]:
    header = "deck: D\nsources: {text: {title: T}}\nsource: text\nfacts:\n"
    cards = write_cards(header + textwrap.indent(textwrap.dedent(facts), "  "))
    with pytest.raises(ContentError) as caught:
        load_project(cards)
    return caught.value.problems


@pytest.mark.parametrize(
    ("facts", "where", "code", "message"),
    [
        ("- id: a\n  text: T\n  list: [one]\n", (7, 11), Code.TOO_FEW_ITEMS, "at least two"),
        ("- id: a\n  text: T\n  list: [one, One, two]\n", (7, 17), Code.DUPLICATE_ITEM, "twice"),
        (
            "- id: a\n  text: T\n  list: [one, 'two {{x}}']\n",
            (7, 22),
            Code.DELETION_IN_LIST,
            "cannot contain a deletion",
        ),
        ("- id: a\n  text: T\n  list: one\n", (7, 11), Code.WRONG_TYPE, "must be a list"),
        (
            "- id: a\n  text: T\n  list: [a, b]\n  ordered: maybe\n",
            (8, 14),
            Code.WRONG_TYPE,
            "true or false",
        ),
        ("- id: a\n  list: [a, b]\n", (5, 5), Code.MISSING_KEY, "missing the key 'text'"),
        ("- id: a\n  text: T\n  list: [a, b]\n  lsit: x\n", (8, 5), Code.UNKNOWN_KEY, "lsit"),
        ("- id: a\n  text: T\n  list: [a, '']\n", (7, 15), Code.EMPTY_VALUE, "empty"),
    ],
)
def test_a_problem_in_a_list_fact_is_one_error_at_its_place(
    write_cards: WriteCards, facts: str, where: tuple[int, int], code: Code, message: str
) -> None:
    (problem,) = problems_for(write_cards, facts)
    assert (problem.position.line, problem.position.column) == where
    assert problem.code == code and message in problem.message and problem.hint


def test_the_cli_reports_a_list_problem_with_its_code_and_hint(write_cards: WriteCards) -> None:
    cards = write_cards(
        "deck: D\nsource: x\nsources: {x: {title: X}}\n"
        "facts:\n  - id: a\n    text: T\n    list: [one, one]\n"
    )
    result = CliRunner().invoke(main, ["check", str(cards)])
    assert result.exit_code == 1
    assert "demo.yaml:7:17: error[duplicate-item]:" in result.output
    assert "hint:" in result.output and "Traceback" not in result.output


def test_the_build_summary_counts_list_cards(write_cards: WriteCards, tmp_path: Path) -> None:
    cards = write_cards(V1)
    result = CliRunner().invoke(main, ["build", str(cards), "-o", str(tmp_path / "d.apkg")])
    assert result.exit_code == 0, result.output
    assert "3 notes, 9 cards (1 cloze, 8 list)" in result.output
