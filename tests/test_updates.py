"""Regenerating a deck a student already studies: every edit re-imported with Anki's defaults.

Each test imports version 1 into a real collection, reviews cards, edits the cards files,
rebuilds and imports again into the same collection, then checks what Anki kept.
"""

from __future__ import annotations

import dataclasses
import textwrap
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from lmndeck import cache, kinds, notetypes
from lmndeck.kinds import cloze as cloze_kind
from lmndeck.kinds.cells import CellNote
from lmndeck.kinds.discrimination import DiscriminationNote
from lmndeck.lock import lock_path
from lmndeck.pipeline import build
from lmndeck.reconcile import REMOVED_DECK, REMOVED_TAG
from tests.anki_client import AnkiCollection, ImportLog, RenderedCard, answers, visible

V1 = """\
deck: Updates
sources:
  text: {title: Notes}
source: text
facts:
  - id: tone
    text: LMN lesions reduce muscle {{tone}}.
  - id: reflexes
    text: LMN lesions make reflexes {{hypoactive}} or {{absent}}.
  - id: babinski
    text: The Babinski sign is {{negative}} in LMN lesions.
comparisons:
  - id: lesions
    title: LMN vs UMN
    cards: [cells]  # these scenarios count cell cards; discrimination's are tested apart
    columns: {lmn: LMN, umn: UMN}
    rows:
      - {id: tone, feature: Tone, lmn: Reduced, umn: Spastic}
      - {id: bulk, feature: Bulk, lmn: Atrophy, umn: Little atrophy}
"""

START = 1_767_225_600  # builds happen a day apart
DAY = 86_400


class Student:
    """A student who imports every new build of one cards directory into one collection."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.cards = root / "cards"
        self.cards.mkdir()
        self.apkg = root / "dist" / "deck.apkg"
        self.collection = AnkiCollection(root / "anki" / "collection.anki2")
        self.monkeypatch = monkeypatch
        self.builds = 0

    def publish(self, text: str, name: str = "deck.yaml", **import_options: object) -> ImportLog:
        (self.cards / name).write_text(textwrap.dedent(text), encoding="utf-8")
        return self.rebuild(**import_options)

    def rebuild(self, **import_options: object) -> ImportLog:
        self.monkeypatch.setenv("SOURCE_DATE_EPOCH", str(START + self.builds * DAY))
        self.builds += 1
        build(self.cards, self.apkg)
        return self.collection.import_package(self.apkg, **import_options)

    def card(self, text: str) -> RenderedCard:
        """The one card that asks for ``text`` (a deletion or a table cell)."""
        (found,) = [card for card in self.collection.cards() if text in answers(card)]
        return found

    def card_about(self, text: str) -> RenderedCard:
        """The one card whose front mentions ``text``."""
        (found,) = [card for card in self.collection.cards() if text in visible(card.question)]
        return found

    def review_all(self) -> dict[int, int]:
        """Answer every card once; returns each card's review count."""
        for card in self.collection.cards():
            self.collection.review(card.id)
        return {card.id: self.collection.reps(card.id) for card in self.collection.cards()}

    def assert_history_kept(self, reps: dict[int, int]) -> None:
        for card_id, count in reps.items():
            assert self.collection.reps(card_id) == count
            assert self.collection.revlog_count(card_id) == count

    def assert_clean(self) -> None:
        """No note type copies, no empty cards."""
        assert not any(name.endswith("+") for name in self.collection.note_type_names())
        assert self.collection.empty_cards() == []


@pytest.fixture
def student(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Student]:
    result = Student(tmp_path, monkeypatch)
    log = result.publish(V1)
    assert (log.new, log.updated, log.conflicting) == (7, 0, 0)
    yield result
    result.collection.close()


def test_an_unchanged_rebuild_updates_nothing(student: Student) -> None:
    log = student.rebuild()
    assert (log.new, log.updated, log.duplicate, log.conflicting) == (0, 0, 7, 0)


def test_a_reworded_fact_updates_its_note_and_keeps_history(student: Student) -> None:
    before = student.card_about("reduce muscle")
    reps = student.review_all()
    log = student.publish(V1.replace("reduce muscle {{tone}}", "lower the muscle {{tone}}"))
    assert (log.new, log.updated, log.conflicting) == (0, 1, 0)
    after = student.card_about("lower the muscle")
    assert (after.id, after.note_id) == (before.id, before.note_id)
    student.assert_history_kept(reps)
    student.assert_clean()


def test_a_students_own_edit_survives_a_rebuild_that_does_not_touch_the_note(
    student: Student,
) -> None:
    note = student.collection.note(student.card_about("reduce muscle").note_id)
    note["Extra"] = "my mnemonic"
    student.collection.col.update_note(note)
    student.publish(V1.replace("{{negative}}", "{{negative::sign?}}"))
    assert student.collection.note(note.id)["Extra"] == "my mnemonic"


def test_added_and_removed_facts(student: Student) -> None:
    babinski = student.card_about("Babinski")
    reps = student.review_all()
    edited = V1.replace(
        "  - id: babinski\n    text: The Babinski sign is {{negative}} in LMN lesions.\n",
        "  - id: atrophy\n    text: LMN lesions cause muscle {{atrophy}}.\n",
    )
    log = student.publish(edited)
    assert (log.new, log.updated, log.conflicting) == (1, 1, 0)  # new fact; tombstone
    removed = student.collection.notes(f"tag:{REMOVED_TAG}")
    assert [note.id for note in removed.values()] == [babinski.note_id]
    assert "removed" in visible(student.collection.note(babinski.note_id)["Text"])
    student.assert_history_kept(reps)
    log = student.rebuild()  # the tombstone is stable: nothing more to update
    assert (log.new, log.updated) == (0, 0)


def test_a_new_student_gets_no_card_of_a_removed_note(student: Student, tmp_path: Path) -> None:
    student.publish(V1.replace("  - id: babinski\n", "  - id: babinski-sign\n"))
    newcomer = AnkiCollection(tmp_path / "newcomer" / "collection.anki2")
    try:
        newcomer.import_package(student.apkg)
        assert newcomer.cards(f"tag:{REMOVED_TAG}") == []
        assert {card.deck for card in newcomer.cards()} == {"Updates"}
        assert REMOVED_DECK not in newcomer.col.decks.all_names()
        assert newcomer.empty_cards() == []
        # The note itself is there, with no card: Check Database gives it one, tagged like
        # the note, in the default deck (what the README tells students).
        assert len(newcomer.notes(f"tag:{REMOVED_TAG}")) == 1
        newcomer.col.fix_integrity()
        (card,) = newcomer.cards(f"tag:{REMOVED_TAG}")
        assert card.deck == "Default" and "removed" in visible(card.question)
    finally:
        newcomer.close()


def test_inserting_a_deletion_keeps_the_existing_cards_numbers(student: Student) -> None:
    hypo, absent = student.card("hypoactive"), student.card("absent")
    reps = student.review_all()
    log = student.publish(
        V1.replace("make reflexes {{hypoactive}}", "make {{deep tendon}} reflexes {{hypoactive}}")
    )
    assert (log.new, log.updated, log.conflicting) == (0, 1, 0)
    cards = {card.ord: card for card in student.collection.cards(f"nid:{hypo.note_id}")}
    assert sorted(cards) == [0, 1, 2]
    assert (cards[hypo.ord].id, cards[absent.ord].id) == (hypo.id, absent.id)
    # each old card still asks for the same answer, and the new card asks for the new one
    assert "hypoactive" not in visible(cards[hypo.ord].question)
    assert "absent" not in visible(cards[absent.ord].question)
    assert "deep tendon" not in visible(cards[2].question)
    student.assert_history_kept(reps)
    student.assert_clean()


def test_removing_a_deletion_never_reuses_its_number(student: Student) -> None:
    absent = student.card("absent")
    student.publish(V1.replace(" or {{absent}}", ""))
    assert student.collection.empty_cards() == [absent.id]  # Anki cannot delete cards
    student.publish(V1.replace(" or {{absent}}", " or {{lost}}"))
    note_cards = student.collection.cards(f"nid:{absent.note_id}")
    lost = next(card for card in note_cards if "lost" in answers(card))
    assert lost.id != absent.id and lost.ord == 2


def test_table_rows_and_columns_added_removed_and_reordered(student: Student) -> None:
    tone_lmn = student.card("Reduced")
    reps = student.review_all()
    edited = V1.replace(
        "    columns: {lmn: LMN, umn: UMN}\n",
        "    columns: {umn: UMN, both: Both, lmn: LMN}\n",
    ).replace(
        "      - {id: tone, feature: Tone, lmn: Reduced, umn: Spastic}\n"
        "      - {id: bulk, feature: Bulk, lmn: Atrophy, umn: Little atrophy}\n",
        "      - {id: reflex, feature: Reflexes, lmn: Hypoactive, umn: Brisk, both: Changed}\n"
        "      - {id: tone, feature: Muscle tone, lmn: Reduced, umn: Spastic}\n",
    )
    log = student.publish(edited)
    # 3 new reflex cells; the 2 tone cells re-rendered; 2 bulk cells become tombstones
    assert (log.new, log.updated, log.conflicting) == (3, 4, 0)
    after = student.card("Reduced")
    assert (after.id, after.note_id) == (tone_lmn.id, tone_lmn.note_id)
    assert "Muscle tone" in visible(after.question) and ">LMN<" in after.question
    student.assert_history_kept(reps)
    assert len(student.collection.notes(f"tag:{REMOVED_TAG}")) == 2


def test_moving_a_fact_to_another_file_keeps_its_note(student: Student) -> None:
    tone = student.card_about("reduce muscle")
    reps = student.review_all()
    fact = "  - id: tone\n    text: LMN lesions reduce muscle {{tone}}.\n"
    (student.cards / "deck.yaml").write_text(V1.replace(fact, ""), encoding="utf-8")
    other = "deck: Updates::Moved\nsources: {text: {title: Notes}}\nsource: text\nfacts:\n" + fact
    log = student.publish(other, name="other.yaml")
    assert (log.new, log.conflicting) == (0, 0)
    assert student.card_about("reduce muscle").id == tone.id
    assert len(student.collection.notes()) == 7
    student.assert_history_kept(reps)


def test_css_and_template_changes_reach_the_collection_in_place(
    student: Student, monkeypatch: pytest.MonkeyPatch
) -> None:
    reps = student.review_all()
    original = notetypes._template

    def restyled(name: str) -> str:
        return original(name) + ("\n.lmn { color: rebeccapurple; }" if name == "style.css" else "")

    monkeypatch.setattr(notetypes, "_template", restyled)
    student.rebuild()
    student.assert_clean()
    assert "rebeccapurple" in student.collection.note_type("lmndeck cloze")["css"]
    student.assert_history_kept(reps)


def test_a_future_field_takes_a_reserved_slot_and_notes_keep_updating(
    student: Student, monkeypatch: pytest.MonkeyPatch
) -> None:
    reps = student.review_all()
    cloze = cloze_kind.CLOZE
    future = dataclasses.replace(
        cloze,
        fields=(*cloze.fields, ("Image", cloze.reserved_fields[0][1])),
        reserved_fields=cloze.reserved_fields[1:],
    )
    monkeypatch.setitem(kinds.NOTE_TYPES, "cloze", future)
    log = student.publish(V1.replace("reduce muscle", "lower muscle"))
    assert (log.new, log.updated, log.conflicting) == (0, 1, 0)
    student.assert_clean()
    fields = student.collection.note_type("lmndeck cloze")["flds"]
    assert [field["name"] for field in fields] == [
        "Text", "Extra", "Source", "Image", "Reserved 2",
    ]  # fmt: skip
    assert "lower muscle" in visible(student.card_about("lower muscle").answer)
    student.assert_history_kept(reps)


def test_the_lock_records_guid_hash_time_and_deletion_numbers(student: Student) -> None:
    text = lock_path(student.cards).read_text()
    assert '"fact/reflexes": {' in text
    assert '"deletions": {"absent": 2, "hypoactive": 1}' in text
    assert f'"mod": {START}' in text
    lines = text.splitlines()
    keys = [line.split('"')[1] for line in lines if line.startswith('  "fact/')]
    assert keys == sorted(keys)


def test_a_changed_note_gets_a_strictly_newer_time_even_within_one_second(
    student: Student, monkeypatch: pytest.MonkeyPatch
) -> None:
    (student.cards / "deck.yaml").write_text(V1.replace("reduce", "lower"), encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(START))  # the clock did not move
    build(student.cards, student.apkg)
    log = student.collection.import_package(student.apkg)
    assert log.updated == 1


def before_the_sort_field(monkeypatch: pytest.MonkeyPatch) -> None:
    """lmndeck as it was before comparison notes named their cell in their first field (Anki's
    sort field): it held the title, and the title's slot was still reserved. Another version of
    lmndeck, so its cache is not this one's."""
    monkeypatch.setattr(cache, "_FORMAT", "lmndeck before the sort field")
    for note in (CellNote, DiscriminationNote):
        today_fields = note.fields

        def old_fields(
            self: CellNote, numbers: Mapping[str, int], today: Any = today_fields
        ) -> tuple[str, ...]:
            *fields, title = today(self, numbers)
            return (title, *fields[1:], "")

        monkeypatch.setattr(note, "fields", old_fields)
    for kind in ("cell", "discrimination"):
        today = kinds.NOTE_TYPES[kind]
        *fields, (title, slot) = today.fields
        assert (fields[0][0], title) == ("Sort", "Table")
        old = (("Table", fields[0][1]), *fields[1:])
        reserved = (("Reserved 1", slot), *today.reserved_fields)
        monkeypatch.setitem(
            kinds.NOTE_TYPES, kind, dataclasses.replace(today, fields=old, reserved_fields=reserved)
        )


def test_comparison_notes_get_a_sort_field_that_names_their_cell_and_keep_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Anki's browser lists notes by their sort field: every cell of a comparison once read as
    its title. A collection that has the old note types takes the new field in place."""
    student = Student(tmp_path, monkeypatch)
    with_discrimination = V1.replace("    cards: [cells]  # these scenarios", "    # scenarios")
    with monkeypatch.context() as before:
        before_the_sort_field(before)
        student.publish(with_discrimination)
    assert set(student.collection.sort_fields("LMN vs")) == {"LMN vs UMN"}
    reps = student.review_all()
    log = student.rebuild()
    assert log.conflicting == 0 and log.updated == 8  # 4 cell notes, 4 discrimination notes
    student.assert_clean()
    student.assert_history_kept(reps)
    for name in ("lmndeck comparison cell", "lmndeck discrimination"):
        note_type = student.collection.note_type(name)
        assert note_type["sortf"] == 0 and note_type["flds"][0]["name"] == "Sort"
    assert student.collection.sort_fields("LMN vs") == [
        "LMN vs UMN / Bulk / Atrophy",
        "LMN vs UMN / Bulk / LMN",
        "LMN vs UMN / Bulk / Little atrophy",
        "LMN vs UMN / Bulk / UMN",
        "LMN vs UMN / Tone / LMN",
        "LMN vs UMN / Tone / Reduced",
        "LMN vs UMN / Tone / Spastic",
        "LMN vs UMN / Tone / UMN",
    ]
    card = student.card("Reduced")  # the cards still show the title, from its new slot
    assert "LMN vs UMN" in visible(card.question) and "Reduced" in visible(card.answer)
