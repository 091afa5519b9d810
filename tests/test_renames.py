"""Renaming ids with 'was:': a student's cards keep their history through the rename.

Without 'was:' a renamed fact, comparison, row or column gets new notes and its old notes
become tombstones; 'diff' and 'build' then name the likely renames.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lmndeck.cli import main
from lmndeck.kinds.cells import comparisons
from lmndeck.kinds.cloze import facts
from lmndeck.lock import NoteRecord, lock_path
from lmndeck.lockfile import read_lock_file
from lmndeck.pipeline import build
from lmndeck.project import load_project
from lmndeck.reconcile import REMOVED_TAG
from lmndeck.renames import LikelyRename, likely_renames
from tests.anki_client import visible
from tests.test_updates import Student

V1 = """\
deck: Renames
sources:
  text: {title: Notes}
source: text
facts:
  - id: babinski
    text: The Babinski sign is {{negative}} in {{LMN}} lesions.
  - id: tone
    text: LMN lesions reduce muscle {{tone}}.
comparisons:
  - id: lesions
    title: LMN vs UMN
    columns: {lmn: LMN, umn: UMN}
    rows:
      - {feature: Muscle tone, lmn: Reduced, umn: Spastic}
      - {id: bulk, feature: Bulk, lmn: Atrophy, umn: Little atrophy}
    cards: [cells]  # these scenarios count cell cards; discrimination's are tested apart
"""

BABINSKI = "  - id: babinski\n"
TONE_ROW = "      - {feature: Muscle tone, "
LESIONS = "  - id: lesions\n"
COLUMNS = "    columns: {lmn: LMN, umn: UMN}\n"


@pytest.fixture
def student(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Student]:
    result = Student(tmp_path, monkeypatch)
    log = result.publish(V1)
    assert (log.new, log.updated, log.conflicting) == (6, 0, 0)
    yield result
    result.collection.close()


def cards_by_id(student: Student) -> dict[int, int]:
    """Every card of the collection and its note."""
    return {card.id: card.note_id for card in student.collection.cards()}


def assert_renamed_in_place(student: Student, edited: str, updated: int) -> None:
    """Review everything, publish ``edited``: the same cards and notes, history kept, no
    tombstone, and ``updated`` notes rewritten by the import."""
    before = cards_by_id(student)
    reps = student.review_all()
    log = student.publish(edited)
    assert (log.new, log.updated, log.conflicting) == (0, updated, 0)
    assert cards_by_id(student) == before
    assert student.collection.notes(f"tag:{REMOVED_TAG}") == {}
    student.assert_history_kept(reps)
    student.assert_clean()
    assert student.rebuild().updated == 0  # nothing left to move


def test_a_renamed_fact_id_with_was_keeps_its_note_and_history(student: Student) -> None:
    edited = V1.replace(BABINSKI, "  - id: babinski-sign\n    was: babinski\n").replace(
        "The Babinski sign is", "The Babinski response is"
    )
    assert_renamed_in_place(student, edited, updated=1)
    assert "Babinski response" in visible(student.card("negative").answer)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param((BABINSKI, "  - id: babinski-sign\n    was: [babinski]\n"), id="fact"),
        pytest.param((LESIONS, "  - id: lmn-vs-umn\n    was: lesions\n"), id="comparison"),
        # the lock only knows 'babinski': an older name, listed later in 'was:', still matches
        pytest.param(
            (BABINSKI, "  - id: plantar-reflex\n    was: [babinski-sign, babinski]\n"),
            id="older-name-in-the-list",
        ),
    ],
)
def test_an_id_only_rename_with_was_does_not_touch_the_notes(
    student: Student, edit: tuple[str, str]
) -> None:
    assert_renamed_in_place(student, V1.replace(*edit), updated=0)


def test_a_row_whose_feature_changed_keeps_its_cells_with_was(student: Student) -> None:
    edited = V1.replace(TONE_ROW, "      - {feature: Tone of the muscles, was: muscle-tone, ")
    # a cell's back shows its row, so the row's two cells are rewritten, not the other row's
    assert_renamed_in_place(student, edited, updated=2)
    assert "Tone of the muscles" in visible(student.card("Reduced").question)


def test_a_renamed_column_with_was_keeps_its_cells(student: Student) -> None:
    edited = V1.replace(COLUMNS, "    columns: {lower: {label: LMN, was: lmn}, umn: UMN}\n")
    edited = edited.replace("lmn: Reduced", "lower: Reduced").replace(
        "lmn: Atrophy", "lower: Atrophy"
    )
    before = student.card("Atrophy")
    assert_renamed_in_place(student, edited, updated=0)  # column ids are not shown
    assert student.card("Atrophy").id == before.id


def test_a_chain_of_renames_follows_the_lock(student: Student) -> None:
    first = V1.replace(BABINSKI, "  - id: babinski-sign\n    was: babinski\n")
    assert_renamed_in_place(student, first, updated=0)
    second = V1.replace(BABINSKI, "  - id: plantar-reflex\n    was: [babinski-sign, babinski]\n")
    assert_renamed_in_place(student, second, updated=0)


def test_was_brings_back_a_removed_fact_with_its_history(student: Student) -> None:
    babinski = student.card("negative")
    reps = student.review_all()
    fact = "  - id: babinski\n    text: The Babinski sign is {{negative}} in {{LMN}} lesions.\n"
    student.publish(V1.replace(fact, ""))
    assert list(student.collection.notes(f"tag:{REMOVED_TAG}")) != []
    log = student.publish(V1.replace(BABINSKI, "  - id: babinski-sign\n    was: babinski\n"))
    assert (log.new, log.updated) == (0, 1)
    assert student.collection.notes(f"tag:{REMOVED_TAG}") == {}
    assert student.card("negative").id == babinski.id
    student.assert_history_kept(reps)


def test_reusing_a_renamed_away_id_makes_a_new_note_with_its_own_guid(student: Student) -> None:
    babinski = student.card("negative")
    reps = student.review_all()
    renamed = V1.replace(BABINSKI, "  - id: babinski-sign\n    was: babinski\n")
    student.publish(renamed)
    # later, with 'was:' gone, the old id names a new fact
    reused = renamed.replace("    was: babinski\n", "").replace(
        "facts:\n", "facts:\n  - {id: babinski, text: 'A {{new}} fact.'}\n"
    )
    log = student.publish(reused)
    assert (log.new, log.updated, log.conflicting) == (1, 0, 0)
    assert student.card("negative").id == babinski.id
    assert student.card("new").note_id != babinski.note_id
    student.assert_history_kept(reps)
    read = read_lock_file(lock_path(student.cards), "lock")
    assert read is not None
    guids = [record.guid for record in read.lock.notes.values()]
    assert len(guids) == len(set(guids))


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "cards").mkdir()
    (tmp_path / "cards" / "deck.yaml").write_text(V1, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert run("build").exit_code == 0
    return tmp_path / "cards" / "deck.yaml"


RENAMES_WITHOUT_WAS = [
    pytest.param(
        V1.replace(BABINSKI, "  - id: babinski-sign\n"),
        "fact 'babinski' looks renamed to 'babinski-sign': add 'was: babinski' to it",
        id="fact",
    ),
    pytest.param(
        V1.replace(LESIONS, "  - id: lmn-vs-umn\n"),
        "comparison 'lesions' looks renamed to 'lmn-vs-umn': add 'was: lesions' to it",
        id="comparison",
    ),
    pytest.param(
        V1.replace(TONE_ROW, "      - {feature: Tone of the muscles, "),
        "row 'muscle-tone' of comparison 'lesions' looks renamed to 'tone-of-the-muscles': "
        "add 'was: muscle-tone' to it",
        id="row-feature",
    ),
    pytest.param(
        V1.replace(COLUMNS, "    columns: {lower: LMN, umn: UMN}\n").replace("lmn: ", "lower: "),
        "column 'lmn' of comparison 'lesions' looks renamed to 'lower': "
        "write it as 'lower: {label: ..., was: lmn}'",
        id="column",
    ),
]


@pytest.mark.parametrize(("edited", "advice"), RENAMES_WITHOUT_WAS)
def test_build_and_diff_warn_when_a_rename_would_orphan_reviews(
    project: Path, edited: str, advice: str
) -> None:
    project.write_text(edited, encoding="utf-8")
    diff = run("diff")
    assert "renames that lose reviews:" in diff.stdout
    assert advice in diff.stdout
    built = run("build")
    assert built.exit_code == 0
    assert f"warning: {advice}" in built.stderr
    assert "warning" not in run("build").stderr  # said once, when it happens


def test_was_added_after_a_warned_build_takes_the_old_note_back(student: Student) -> None:
    """The warned build was imported: the old note is a tombstone, a new one has the new id.
    Adding 'was:' then (no lock to restore) brings the old note and its history back, and
    turns the note of the warned build into a removed note."""
    reps = student.review_all()
    old = student.card("negative")
    warned = student.publish(V1.replace(BABINSKI, "  - id: babinski-sign\n"))
    assert (warned.new, warned.updated) == (1, 1)  # a new note, the old one a tombstone
    fixed = V1.replace(BABINSKI, "  - id: babinski-sign\n    was: babinski\n")
    log = student.publish(fixed)
    assert (log.new, log.updated, log.conflicting) == (0, 2, 0)
    back = student.collection.note(old.note_id)
    assert REMOVED_TAG not in back.tags
    assert student.card("negative").id == old.id
    student.assert_history_kept(reps)
    assert len(student.collection.notes(f"tag:{REMOVED_TAG}")) == 1  # the warned build's note
    assert student.rebuild().updated == 0


def test_a_build_with_was_reports_the_rename_and_no_warning(project: Path) -> None:
    project.write_text(V1.replace(BABINSKI, "  - id: babinski-sign\n    was: babinski\n"))
    assert "renamed (reviews kept):\n  fact/babinski -> fact/babinski-sign" in run("diff").stdout
    built = run("build")
    assert "1 renamed with their reviews" in built.stdout
    assert built.stderr == ""


def test_was_that_displaces_a_note_of_the_new_id_says_so(project: Path) -> None:
    fact = "  - id: tone\n    text: LMN lesions reduce muscle {{tone}}.\n"
    project.write_text(V1.replace(fact, ""))
    run("build")  # 'tone' is now a removed note
    # renaming 'babinski' to the removed 'tone' gives tone babinski's notes; tone's stays removed
    project.write_text(V1.replace(fact, "").replace(BABINSKI, "  - id: tone\n    was: babinski\n"))
    warning = "'fact/tone' takes back the notes of 'fact/babinski' ('was:'); the note a previous"
    assert warning in run("diff").stdout
    assert f"warning: {warning}" in run("build").stderr


def test_diff_after_was_names_the_note_it_replaces_and_heads_it_truthfully(
    project: Path,
) -> None:
    """Renamed without 'was:' and built (the new id got a note of its own), then 'was:' added:
    that note becomes a removed note, named by the key it had, not by 'unknown/<GUID>'."""
    project.write_text(V1.replace(BABINSKI, "  - id: babinski-sign\n"))
    run("build")
    project.write_text(V1.replace(BABINSKI, "  - id: babinski-sign\n    was: babinski\n"))
    diff = run("diff").stdout
    assert "unknown/" not in diff
    replaced = "fact/babinski-sign (the previous build's note; its key is another note's now)"
    assert f"removed:\n  {replaced}\n" in diff
    assert f"  card 1 of {replaced}\n  card 2 of {replaced}" in diff
    # the rename keeps the reviews: no heading says they are lost
    assert "renames that lose reviews" not in diff
    assert (
        "'was:' renames onto an id a previous build used:\n  'fact/babinski-sign' takes back "
        "the notes of 'fact/babinski' ('was:')"
    ) in diff


def test_diff_names_a_note_of_another_kind_under_the_same_key_by_that_key(
    project: Path,
) -> None:
    tone = "  - id: tone\n    text: LMN lesions reduce muscle {{tone}}.\n"
    project.write_text(
        V1.replace(tone, "  - id: tone\n    front: Tone in LMN lesions?\n    back: Reduced\n")
    )
    diff = run("diff").stdout
    assert "unknown/" not in diff
    assert "added:\n  fact/tone\n" in diff  # a basic card's note: Anki keeps a note's type
    assert (
        "removed:\n  fact/tone (the previous build's note; its key is another note's now)" in diff
    )


def test_diff_names_a_removed_note_of_no_known_key_by_its_guid(project: Path) -> None:
    lock = project.parent / "lmndeck.lock"
    guid = json.loads(lock.read_text())["notes"]["fact/tone"]["guid"]
    # the lock of an earlier build knew the note by its GUID only (recovered from a deck)
    lock.write_text(lock.read_text().replace('"fact/tone"', json.dumps(f"unknown/{guid}")))
    project.write_text(
        V1.replace("  - id: tone\n    text: LMN lesions reduce muscle {{tone}}.\n", "")
    )
    diff = run("diff").stdout
    assert f"removed:\n  a note of the previous build, GUID {guid}\n" in diff
    assert f"card 1 of a note of the previous build, GUID {guid}" in diff


def test_unrelated_removals_and_additions_are_not_called_renames(project: Path) -> None:
    fact = "  - id: tone\n    text: LMN lesions reduce muscle {{tone}}.\n"
    others = "  - {id: reflexes, text: 'Reflexes are {{absent}}.'}\n  - {id: x, text: '{{y}}'}\n"
    project.write_text(V1.replace(fact, others), encoding="utf-8")
    assert "renames that lose reviews" not in run("diff").stdout


@pytest.mark.parametrize(
    ("edit", "where", "message", "hint"),
    [
        pytest.param(
            (BABINSKI, "  - id: babinski\n    was: [old, babinski]\n"),
            "deck.yaml:7:16",
            "'babinski' is this fact's own id",
            "'was:' lists only the ids it had before",
            id="own-id",
        ),
        pytest.param(
            (BABINSKI, "  - id: babinski\n    was: tone\n"),
            "deck.yaml:7:10",
            "'tone' is the id of a fact in use now",
            "rename the other one first",
            id="current-fact",
        ),
        pytest.param(
            (LESIONS, "  - id: lesions\n    was: babinski\n"),
            "deck.yaml:12:10",
            "'babinski' is the id of a fact in use now",
            "no longer used",
            id="comparison-claims-a-fact",
        ),
        pytest.param(
            (BABINSKI, "  - id: babinski\n    was: [old, 'bad id']\n"),
            "deck.yaml:7:16",
            "previous id 'bad id' is not a valid id",
            "letters, digits",
            id="invalid",
        ),
        pytest.param(
            (BABINSKI, "  - id: babinski\n    was: {old: x}\n"),
            "deck.yaml:7:10",
            "'was:' takes the id this fact had before, or a list of them, not a mapping",
            "was: [old-id, older-id]",
            id="mapping",
        ),
        pytest.param(
            (TONE_ROW, "      - {feature: Tone, was: Muscle tone, "),
            "deck.yaml:15:30",
            "previous id 'Muscle tone' is not a valid id",
            "did you mean 'muscle-tone'?",
            id="row-feature-instead-of-slug",
        ),
        pytest.param(
            (TONE_ROW, "      - {feature: Tone, was: bulk, "),
            "deck.yaml:15:30",
            "'bulk' is the id of a row in use now",
            "no longer used",
            id="row-current",
        ),
        pytest.param(
            (COLUMNS, "    columns: {lmn: LMN, umn: {label: UMN, was: [x, x]}}\n"),
            "deck.yaml:13:52",
            "'x' is listed twice in 'was:'",
            None,
            id="column-twice",
        ),
        pytest.param(
            (COLUMNS, "    columns: {lmn: {label: LMN, was: a}, umn: {label: UMN, was: a}}\n"),
            "deck.yaml:13:65",
            "'a' is already in the 'was:' of the column 'lmn' (cards/deck.yaml:13:38)",
            "one new id only",
            id="column-claimed-twice",
        ),
    ],
)
def test_was_mistakes_point_at_the_exact_place(
    project: Path, edit: tuple[str, str], where: str, message: str, hint: str | None
) -> None:
    project.write_text(V1.replace(*edit), encoding="utf-8")
    result = run("check")
    assert result.exit_code == 1
    assert re.search(rf"cards/{re.escape(where)}: error\[[a-z-]+\]: ", result.stderr)
    assert f"]: {message}" in result.stderr, result.stderr
    if hint:
        assert hint in result.stderr


def test_two_files_cannot_claim_the_same_previous_id(project: Path) -> None:
    project.write_text(V1.replace(BABINSKI, "  - id: babinski-sign\n    was: babinski\n"))
    other = project.with_name("other.yaml")
    other.write_text(
        textwrap.dedent("""\
            deck: Renames
            sources: {text: {title: Notes}}
            facts:
              - {id: plantar, was: babinski, text: '{{x}}', source: text}
            """),
        encoding="utf-8",
    )
    result = run("build")
    assert result.exit_code == 1
    assert (
        "cards/other.yaml:4:24: error[was-claimed-twice]: 'babinski' is already in the 'was:' of the fact "
        "'babinski-sign' (cards/deck.yaml:7:10)" in result.stderr
    )


def test_the_readme_renaming_example_is_valid(tmp_path: Path) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    (example,) = [
        block for block in re.findall(r"```text\n(.*?)```", readme, re.DOTALL) if "was:" in block
    ]
    header = "deck: D\nsources: {text: {title: T}}\nsource: text\n"
    (tmp_path / "deck.yaml").write_text(header + example, encoding="utf-8")
    (deck_file,) = load_project(tmp_path).files
    assert [previous.id for previous in facts(deck_file)[0].was] == ["babinski"]
    (comparison,) = comparisons(deck_file)
    assert [previous.id for previous in comparison.was] == ["lesions"]
    assert [previous.id for previous in comparison.columns[0].was] == ["lmn"]
    assert [previous.id for previous in comparison.rows[0].was] == ["muscle-tone"]


def test_a_column_takes_a_list_of_previous_ids(tmp_path: Path) -> None:
    (tmp_path / "deck.yaml").write_text(
        V1.replace(COLUMNS, "    columns: {lmn: {label: LMN, was: [lower, l]}, umn: UMN}\n"),
        encoding="utf-8",
    )
    (comparison,) = comparisons(load_project(tmp_path).files[0])
    assert [previous.id for previous in comparison.columns[0].was] == ["lower", "l"]


def record(deck: str = "D", hash: str = "h", kind: str = "cloze") -> NoteRecord:
    return NoteRecord(guid="g", kind=kind, deck=deck, id=1, hash=hash, mod=1)


def test_same_content_under_a_new_id_is_a_rename_however_different_the_ids() -> None:
    before = {"fact/alpha": record(hash="same"), "fact/beta": record()}
    after = {"fact/zulu": record(hash="same"), "fact/yankee": record(hash="other")}
    found = likely_renames(["fact/alpha", "fact/beta"], ["fact/zulu", "fact/yankee"], before, after)
    assert found == [LikelyRename("fact", "alpha", "zulu")]


def test_renames_stay_within_one_deck() -> None:
    before = {"fact/babinski": record(deck="A")}
    after = {"fact/babinski-sign": record(deck="B")}
    assert likely_renames(["fact/babinski"], ["fact/babinski-sign"], before, after) == []


def test_a_fact_that_changed_kind_is_not_called_a_rename() -> None:
    # a list fact never takes over a cloze note ('was:' or not), so 'was:' would promise nothing
    before = {"fact/bell-causes": record(kind="cloze")}
    after = {"fact/bell-palsy-causes": record(kind="list")}
    assert likely_renames(["fact/bell-causes"], ["fact/bell-palsy-causes"], before, after) == []


def test_a_build_without_was_tombstones_the_old_note(tmp_path: Path) -> None:
    # the behaviour 'was:' exists to avoid, for the record
    cards = tmp_path / "cards"
    cards.mkdir()
    (cards / "deck.yaml").write_text(V1, encoding="utf-8")
    build(cards, tmp_path / "deck.apkg")
    (cards / "deck.yaml").write_text(V1.replace(BABINSKI, "  - id: babinski-sign\n"))
    result, _ = build(cards, tmp_path / "deck.apkg")
    assert (result.changes.removed, result.changes.added) == (
        ["fact/babinski"],
        ["fact/babinski-sign"],
    )


def test_a_rewrite_of_many_notes_still_finds_identical_content() -> None:
    # 100 x 100 candidates in one deck is past the pairs compared by similarity
    before = {f"fact/old-{i}": record(hash=f"old-{i}") for i in range(100)}
    after = {f"fact/new-{i}": record(hash=f"new-{i}") for i in range(100)}
    before["fact/old-7"] = record(hash="kept")
    after["fact/new-42"] = record(hash="kept")
    found = likely_renames(list(before), list(after), before, after)
    assert found == [LikelyRename("fact", "old-7", "new-42")]
