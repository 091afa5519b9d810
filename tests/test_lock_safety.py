"""The lock file cannot silently move review history: it is validated like a cards file,
recovered from the last built deck when lost, merged record by record after a git conflict,
and refused when it belongs to another project. History claims are checked in real Anki."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from lmndeck.cli import main
from lmndeck.formats import text as format_problem
from lmndeck.jsonlocated import Locator
from lmndeck.lock import Lock, NoteRecord, NoteTypeRecord, encode_lock, lock_path, note_json
from lmndeck.lockmerge import merge_locks, reserved_key
from lmndeck.lockparse import parse_lock, readable
from lmndeck.package import LOCK_ENTRY
from lmndeck.pipeline import build, plan
from lmndeck.problems import ContentError
from lmndeck.reconcile import REMOVED_DECK
from tests.anki_client import AnkiCollection, answers
from tests.conftest import SAMPLE, WriteCards

START = 1_767_225_600
DAY = 86_400
DELTA = """\
deck: Greek
sources: {t: {title: Letters}}
source: t
facts:
  - id: delta
    text: Delta {{xx}} then {{yy}}
  - id: other
    text: Other {{oo}}
"""


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


class Author:
    """An author's project in a temporary working directory, and a student who imports it."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.chdir(root)
        self.root = root
        self.cards = root / "cards"
        self.cards.mkdir()
        self.lock = lock_path(self.cards)
        self.monkeypatch = monkeypatch
        self.builds = 0
        self.student = AnkiCollection(root / "anki" / "collection.anki2")

    def write(self, text: str) -> None:
        (self.cards / "deck.yaml").write_text(textwrap.dedent(text), encoding="utf-8")

    def build(self, *args: str) -> Result:
        self.monkeypatch.setenv("SOURCE_DATE_EPOCH", str(START + self.builds * DAY))
        self.builds += 1
        return run("build", *args)

    def deck(self) -> Path:
        (found,) = (self.root / "dist").glob("*.apkg")
        return found

    def publish(self) -> Result:
        """Build, and the student imports the deck and answers every card once."""
        result = self.build()
        assert result.exit_code == 0, result.output
        self.student.import_package(self.deck())
        for card in self.student.cards():
            self.student.review(card.id)
        return result

    def history(self) -> dict[str, tuple[int, int]]:
        """Each card's answer -> (card id, reviews): what a student's history is attached to."""
        return {
            "+".join(answers(card)): (card.id, self.student.reps(card.id))
            for card in self.student.cards()
        }


@pytest.fixture
def author(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Author]:
    result = Author(tmp_path, monkeypatch)
    yield result
    result.student.close()


# -- 1. validation ----------------------------------------------------------------------------


@pytest.fixture
def sample_lock(author: Author) -> str:
    author.write(SAMPLE)
    assert author.build().exit_code == 0
    return author.lock.read_text(encoding="utf-8")


def _line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line)


def _replace_in_line(needle: str, old: str, new: str) -> Callable[[str], str]:
    def damage(text: str) -> str:
        lines = text.splitlines(keepends=True)
        index = _line_of(text, needle) - 1
        assert old in lines[index], (old, lines[index])
        lines[index] = lines[index].replace(old, new, 1)
        return "".join(lines)

    return damage


BABINSKI = '"fact/babinski"'
TONE_LMN = '"cell/lmn-vs-umn/muscle-tone/lmn"'


def _first_id(text: str) -> str:
    return re.search(r'"id": (\d+)', text.split(BABINSKI)[1]).group(1)  # type: ignore[union-attr]


# fmt: off
VALIDATION_CASES: list[tuple[str, Callable[[str], str], str, str]] = [
    ("format-version", _replace_in_line('"lmndeck-lock"', "1", "7"), '"lmndeck-lock"', "newer lmndeck"),
    ("format-type", _replace_in_line('"lmndeck-lock"', "1", '"1"'), '"lmndeck-lock"', "unknown lock format"),
    ("namespace-empty", _replace_in_line('"namespace"', '"Neurology::Demo"', '""'), '"namespace"', "the namespace is empty"),
    ("namespace-type", _replace_in_line('"namespace"', '"Neurology::Demo"', "3"), '"namespace"', "the namespace must be a string"),
    ("kind-unknown", _replace_in_line(BABINSKI, '"kind": "cloze"', '"kind": "flashcard"'), BABINSKI, "unknown note kind 'flashcard'"),
    ("unknown-field", _replace_in_line(BABINSKI, '"id": 1', '"x": 1, "id": 1'), BABINSKI, "unknown field 'x'"),
    ("note-id-zero", lambda t: t.replace(f'"id": {_first_id(t)}', '"id": 0'), BABINSKI, "note id 0 is out of range"),
    ("note-id-negative", lambda t: t.replace(f'"id": {_first_id(t)}', '"id": -5'), BABINSKI, "note id -5 is out of range"),
    ("note-id-float", lambda t: t.replace(f'"id": {_first_id(t)}', '"id": 1.5'), BABINSKI, "note id must be a whole number"),
    ("mod-absurd", lambda t: re.sub(r'("fact/babinski".*"mod": )\d+', r"\g<1>99999999999", t), BABINSKI, "mod 99999999999 is out of range"),
    ("mod-string", lambda t: re.sub(r'("fact/babinski".*"mod": )(\d+)', r'\1"\2"', t), BABINSKI, "mod must be a whole number"),
    ("number-zero", _replace_in_line(BABINSKI, '"negative": 1', '"negative": 0'), BABINSKI, "a card number 0 is out of range"),
    ("number-float", _replace_in_line(BABINSKI, '"negative": 1', '"negative": 1.0'), BABINSKI, "a card number must be a whole number"),
    ("number-bool", _replace_in_line(BABINSKI, '"negative": 1', '"negative": true'), BABINSKI, "a card number must be a whole number"),
    ("number-twice", _replace_in_line(BABINSKI, '"deletions": {"negative": 1}', '"deletions": {"negative": 1}, "retired": {"positive": 1}'), BABINSKI, "card number 1 is given to deletions"),
    ("deletions-list", _replace_in_line(BABINSKI, '{"negative": 1}', "[1]"), BABINSKI, "a lock file has no lists"),
    ("missing-guid", lambda t: re.sub(r'("fact/babinski": \{.*?)"guid": "[^"]*", ', r"\1", t), BABINSKI, "has no 'guid'"),
    ("removed-string", _replace_in_line(BABINSKI, '"kind": "cloze"', '"kind": "cloze", "removed": "no"'), BABINSKI, "removed must be true or false"),
    ("cell-deletions", _replace_in_line(TONE_LMN, '"kind": "cell"', '"kind": "cell", "deletions": {"a": 1}'), TONE_LMN, "a 'cell' note has no deletions"),
    ("note-type-unknown", _replace_in_line('"cell": {"hash"', '"cell"', '"table"'), '"table": {"hash"', "unknown note type 'table'"),
    ("trailing-garbage", lambda t: t + "}\n", "}", "extra text after the end of the lock"),
]
# fmt: on


@pytest.mark.parametrize(
    ("damage", "line_with", "message"),
    [
        pytest.param(damage, line, message, id=name)
        for name, damage, line, message in VALIDATION_CASES
    ],
)
def test_a_damaged_lock_is_reported_at_its_line(
    author: Author, sample_lock: str, damage: Callable[[str], str], line_with: str, message: str
) -> None:
    damaged = damage(sample_lock)
    author.lock.write_text(damaged, encoding="utf-8")
    deck_before = author.deck().read_bytes()
    result = author.build()
    assert result.exit_code == 1, result.output
    expected_line = _line_of(damaged, line_with) if line_with != "}" else len(damaged.splitlines())
    assert re.search(
        rf"^cards/lmndeck\.lock:{expected_line}:\d+: error\[[a-z0-9-]+\]: .*{re.escape(message)}",
        result.output,
        re.M,
    ), result.output
    assert "\n  hint: " in result.output
    assert "Traceback" not in result.output
    assert author.lock.read_text(encoding="utf-8") == damaged
    assert author.deck().read_bytes() == deck_before


def test_the_column_points_at_the_wrong_value(author: Author, sample_lock: str) -> None:
    damaged = _replace_in_line(BABINSKI, '"negative": 1', '"negative": -1')(sample_lock)
    author.lock.write_text(damaged, encoding="utf-8")
    result = author.build()
    line = _line_of(damaged, BABINSKI)
    column = damaged.splitlines()[line - 1].index("-1") + 1
    assert (
        f"cards/lmndeck.lock:{line}:{column}: error[invalid-lock]: a card number -1 is out of range"
        in result.output
    )


def test_every_problem_is_reported_at_once(author: Author, sample_lock: str) -> None:
    damaged = _replace_in_line(BABINSKI, '"kind": "cloze"', '"kind": 5')(sample_lock)
    damaged = _replace_in_line(TONE_LMN, '"kind": "cell"', '"kind": "cell", "extra": 1')(damaged)
    author.lock.write_text(damaged, encoding="utf-8")
    result = author.build()
    assert "2 errors; nothing was written." in result.output


def test_duplicate_note_ids_guids_and_keys_point_at_the_second_record(
    author: Author, sample_lock: str
) -> None:
    lines = sample_lock.splitlines(keepends=True)
    cell = _line_of(sample_lock, TONE_LMN)
    babinski = _line_of(sample_lock, BABINSKI)
    cell_record = json.loads("{" + lines[cell - 1].rstrip().rstrip(",") + "}")
    (cell_key,) = cell_record
    record = json.loads("{" + lines[babinski - 1].rstrip().rstrip(",") + "}")["fact/babinski"]
    record.update(id=cell_record[cell_key]["id"], guid=cell_record[cell_key]["guid"])
    lines[babinski - 1] = f'  "fact/babinski": {json.dumps(record)},\n'
    lines.insert(cell, lines[cell - 1])  # the same key twice
    author.lock.write_text("".join(lines), encoding="utf-8")
    output = author.build().output
    assert (
        f"cards/lmndeck.lock:{cell + 1}:3: error[invalid-lock]: the note '{cell_key}' is in the lock twice "
        f"(first on line {cell})"
    ) in output
    for what in ("note id", "GUID"):
        assert re.search(
            rf"lmndeck.lock:{babinski + 1}:\d+: error\[invalid-lock\]: note 'fact/babinski' has the same {what} "
            rf"as note '{cell_key}' on line {cell}",
            output,
        ), output


def test_invalid_utf8_is_reported_at_its_byte(author: Author, sample_lock: str) -> None:
    line = _line_of(sample_lock, BABINSKI)
    data = sample_lock.encode().replace(b'"fact/babinski"', b'"fact/b\xffbinski"')
    author.lock.write_bytes(data)
    result = author.build()
    assert (
        f"cards/lmndeck.lock:{line}:10: error[not-utf8]: the lock file is not valid UTF-8"
        in result.output
    )


def test_the_shipped_lock_format_is_read_and_kept_byte_for_byte() -> None:
    root = Path(__file__).parent.parent
    text = (root / "cards" / "lmndeck.lock").read_text(encoding="utf-8")
    result = plan(root / "cards", output=root / "dist" / "neurology-motor-neuron-lesions.apkg")
    assert result.lock_file == text.encode("utf-8")
    assert not result.lock_changed
    assert result.notices == ()


# -- 2. recovery from the last built deck -------------------------------------------------------


def _insert_zz_and_build(author: Author) -> dict[str, tuple[int, int]]:
    author.write(DELTA)
    author.publish()
    author.write(DELTA.replace("Delta {{xx}}", "Delta {{zz}} {{xx}}"))
    author.publish()
    return author.history()


def test_the_deck_carries_its_lock_and_anki_imports_it_unchanged(author: Author) -> None:
    author.write(DELTA)
    assert author.build().exit_code == 0
    with zipfile.ZipFile(author.deck()) as package:
        assert package.read(LOCK_ENTRY).decode() == author.lock.read_text(encoding="utf-8")
        without = author.root / "without.apkg"
        with zipfile.ZipFile(without, "w") as copy:
            for name in ("collection.anki2", "media"):
                copy.writestr(name, package.read(name))
    other = AnkiCollection(author.root / "other" / "collection.anki2")
    try:
        assert other.import_package(without) == author.student.import_package(author.deck())
        assert [(c.ord, c.question, c.answer) for c in other.cards()] == [
            (c.ord, c.question, c.answer) for c in author.student.cards()
        ]
        assert not any((author.root / "anki" / "collection.media").iterdir())
    finally:
        other.close()


def test_a_deleted_lock_is_recovered_from_the_deck_and_no_card_changes_history(
    author: Author,
) -> None:
    history = _insert_zz_and_build(author)
    before = author.lock.read_bytes()
    author.lock.unlink()
    result = author.publish()
    assert (
        "cards/lmndeck.lock is missing: recovered it from its lock in dist/greek.apkg"
        in result.output
    )
    assert author.lock.read_bytes() == before
    assert {answer: card for answer, (card, _) in author.history().items()} == {
        answer: card for answer, (card, _) in history.items()
    }
    # each card was answered once per import that carried it, never moved to another deletion
    assert {answer: reps for answer, (_, reps) in author.history().items()} == {
        "xx": 3,
        "yy": 3,
        "zz": 2,
        "oo": 3,
    }


def test_a_lost_record_is_restored_and_said(author: Author) -> None:
    _insert_zz_and_build(author)
    text = author.lock.read_text(encoding="utf-8")
    author.lock.write_text(re.sub(r'  "fact/delta".*\n', "", text), encoding="utf-8")
    result = author.publish()
    assert "lacked or had older versions of 1 notes that dist/greek.apkg has" in result.output
    assert "fact/delta" in result.output
    assert author.lock.read_text(encoding="utf-8") == text
    assert "+".join(sorted(author.history())) == "oo+xx+yy+zz"


def test_an_old_lock_gives_no_number_of_the_newer_deck_to_another_deletion(
    author: Author,
) -> None:
    author.write(DELTA)
    author.publish()
    old_lock = author.lock.read_bytes()
    history = _insert_zz_and_build(author)
    author.lock.write_bytes(old_lock)  # e.g. the lock of the last build was not committed
    # with the old lock alone, ww (first in the text) would take zz's card 3
    author.write(DELTA.replace("Delta {{xx}}", "Delta {{ww}} {{zz}} {{xx}}"))
    result = author.publish()
    assert "restored them from its lock" in result.output
    numbers = json.loads(author.lock.read_text(encoding="utf-8"))["notes"]["fact/delta"]
    assert numbers["deletions"] == {"ww": 4, "zz": 3, "xx": 1, "yy": 2}
    after = author.history()
    assert after["zz"] == (history["zz"][0], history["zz"][1] + 1)
    assert after["ww"][1] == 1


def _strip_lock_from(deck: Path) -> None:
    """What a deck built before lmndeck kept its lock inside looks like."""
    with zipfile.ZipFile(deck) as package:
        entries = {name: package.read(name) for name in ("collection.anki2", "media")}
    with zipfile.ZipFile(deck, "w") as package:
        for name, data in entries.items():
            package.writestr(name, data)


def test_a_lock_is_rebuilt_from_a_deck_that_has_none_inside(author: Author) -> None:
    text = SAMPLE.replace("{{negative::positive or negative?}}", "{{negative}} (not {{positive}})")
    author.write(text)
    assert author.build().exit_code == 0
    author.write(text.replace(" (not {{positive}})", "").replace("  - id: babinski", "  - id: b2"))
    assert author.build().exit_code == 0  # a tombstone, and a retired number in 'fasciculations'
    author.write(
        text.replace(" (not {{positive}})", "")
        .replace("  - id: babinski", "  - id: b2")
        .replace("{{Fasciculations}} are", "{{Fasciculations}} are {{@p twitches}} {{@p here}}")
    )
    assert author.build().exit_code == 0
    before = author.lock.read_text(encoding="utf-8")
    _strip_lock_from(author.deck())
    author.lock.unlink()
    result = author.build()
    assert "recovered it from its notes in dist/neurology-demo.apkg" in result.output
    assert "numbers of deletions removed before it was built are not known" in result.output
    recovered = json.loads(author.lock.read_text(encoding="utf-8"))["notes"]
    expected = json.loads(before)["notes"]
    removed = expected.pop("fact/babinski")  # a removed note's key is not in the deck
    tombstone = recovered.pop(f"unknown/{removed['guid']}")
    del removed["retired"]  # its numbers are not in the deck either; only a comeback needs them
    assert tombstone == removed | {"deck": "Removed notes (lmndeck)"}
    assert recovered == expected
    author.write(text)  # babinski comes back: the same note, updated
    assert author.build().exit_code == 0
    revived = json.loads(author.lock.read_text(encoding="utf-8"))["notes"]["fact/babinski"]
    assert (revived["guid"], revived["id"]) == (removed["guid"], removed["id"])
    assert revived["mod"] > removed["mod"]


def test_a_rebuilt_lock_never_reuses_a_number_the_deck_shows(author: Author) -> None:
    author.write(DELTA.replace("then {{yy}}", "then {{yy}} and {{vv}}"))
    author.publish()
    author.write(DELTA.replace("then {{yy}}", "and {{vv}}"))  # yy (card 2) removed
    author.publish()
    _strip_lock_from(author.deck())
    author.lock.unlink()
    author.write(DELTA.replace("then {{yy}}", "and {{vv}} or {{uu}}"))
    result = author.publish()
    assert "recovered it from its notes" in result.output, result.output
    record = json.loads(author.lock.read_text(encoding="utf-8"))["notes"]["fact/delta"]
    assert record["deletions"] == {"xx": 1, "vv": 3, "uu": 4}
    assert record["retired"] == {reserved_key(2): 2}
    assert author.history()["uu"][1] == 1  # a new card, not yy's


def test_a_missing_lock_and_an_unreadable_deck_refuse_with_a_way_out(author: Author) -> None:
    author.write(DELTA)
    author.publish()
    author.lock.unlink()
    author.deck().write_bytes(b"not a zip")
    result = author.build()
    assert result.exit_code == 1
    assert (
        "dist/greek.apkg:1:1: error[lock-unrecoverable]: the lock file is missing and the last built deck cannot be read"
        in result.output
    )
    assert "delete dist/greek.apkg" in result.output


def test_recovery_uses_the_deck_given_with_o(author: Author) -> None:
    author.write(DELTA)
    assert author.build("-o", "out/mine.apkg").exit_code == 0
    author.write(DELTA.replace("Delta {{xx}}", "Delta {{zz}} {{xx}}"))
    assert author.build("-o", "out/mine.apkg").exit_code == 0
    before = author.lock.read_bytes()
    author.lock.unlink()
    result = author.build("-o", "out/mine.apkg")
    assert "recovered it from its lock in out/mine.apkg" in result.output
    assert author.lock.read_bytes() == before


def test_build_check_fails_when_the_lock_is_missing(author: Author) -> None:
    author.write(DELTA)
    author.build()
    author.lock.unlink()
    result = run("build", "--check")
    assert result.exit_code == 1
    assert "recovered it from its lock" in result.output
    assert "the lock file is out of date" in result.output


def test_no_lock_and_no_deck_is_a_fresh_start(author: Author) -> None:
    author.write(DELTA)
    result = author.build()
    assert result.exit_code == 0
    assert "note:" not in result.output


# -- 3. merge conflicts ------------------------------------------------------------------------


def _record(
    numbers: dict[str, int], mod: int, retired: dict[str, int] | None = None, id_: int = 7
) -> NoteRecord:
    return NoteRecord("guid", "cloze", "D", id_, "h", mod, dict(numbers), dict(retired or {}))


def _lock(**records: NoteRecord) -> Lock:
    return Lock(
        "D",
        {key.replace("_", "/"): record for key, record in records.items()},
        {"cloze": NoteTypeRecord("t", 5)},
    )


def test_merge_keeps_a_later_version_as_it_is() -> None:
    old = _lock(fact_a=_record({"x": 1}, 10))
    new = _lock(fact_a=_record({"z": 2}, 20, retired={"x": 1}))
    assert merge_locks(old, new).lock == new
    assert merge_locks(new, old).lock == new


def test_merge_gives_neither_side_a_contested_number_and_never_reuses_it() -> None:
    ours = _lock(fact_a=_record({"x": 1, "ours": 2}, 10))
    theirs = _lock(fact_a=_record({"x": 1, "theirs": 2}, 12), fact_b=_record({"y": 1}, 3, id_=8))
    merged = merge_locks(ours, theirs)
    record = merged.lock.notes["fact/a"]
    assert record.deletions == {"x": 1, "ours": 3, "theirs": 4}
    assert record.retired == {reserved_key(2): 2}  # its reviews stay on an empty card
    assert record.mod == 13  # later than both: students of either branch get the update
    assert set(merged.lock.notes) == {"fact/a", "fact/b"}
    assert any("'ours' gets card 3" in line for line in merged.resolutions)
    assert any("'theirs' gets card 4" in line for line in merged.resolutions)


def test_merge_contests_a_number_retired_on_one_side_too() -> None:
    ours = _lock(fact_a=_record({"x": 1, "new": 2}, 10))
    theirs = _lock(fact_a=_record({"x": 1}, 12, retired={"gone": 2}))
    record = merge_locks(ours, theirs).lock.notes["fact/a"]
    assert record.deletions == {"x": 1, "new": 3}
    assert record.retired == {"gone": 4, reserved_key(2): 2}


def test_merge_keeps_both_numbers_of_one_deletion() -> None:
    merged = merge_locks(_lock(fact_a=_record({"x": 2}, 10)), _lock(fact_a=_record({"x": 1}, 10)))
    record = merged.lock.notes["fact/a"]
    assert record.deletions == {"x": 2}
    assert record.retired == {reserved_key(1): 1}


def test_merge_gives_clashing_note_ids_a_new_one() -> None:
    ours = _lock(fact_a=_record({"x": 1}, 10))
    theirs = _lock(fact_b=_record({"x": 1}, 10))
    theirs.notes["fact/b"].guid = "other"
    merged = merge_locks(ours, theirs)
    assert merged.lock.notes["fact/a"].id == 7
    assert merged.lock.notes["fact/b"].id == 8


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "a",
        "GIT_AUTHOR_EMAIL": "a@b",
        "GIT_COMMITTER_NAME": "a",
        "GIT_COMMITTER_EMAIL": "a@b",
    }
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True)


def _branches_that_both_add_a_deletion(author: Author) -> dict[str, tuple[int, int]]:
    """main adds {{mm}} and publishes; a branch adds {{bb}}: both take card 3."""
    author.write(DELTA)
    author.publish()
    _git(author.root, "init", "-q", "-b", "main")
    _git(author.root, "add", "cards")
    _git(author.root, "commit", "-qm", "v1")
    _git(author.root, "checkout", "-qb", "branch")
    author.write(DELTA.replace("then {{yy}}", "then {{yy}} {{bb}}"))
    assert author.build().exit_code == 0
    _git(author.root, "commit", "-qam", "bb")
    _git(author.root, "checkout", "-q", "main")
    author.write(DELTA.replace("then {{yy}}", "then {{yy}} {{mm}}"))
    author.publish()
    _git(author.root, "commit", "-qam", "mm")
    return author.history()


def _finish_merge(author: Author, history: dict[str, tuple[int, int]]) -> None:
    author.write(DELTA.replace("then {{yy}}", "then {{yy}} {{mm}} {{bb}}"))
    result = author.publish()
    assert result.exit_code == 0, result.output
    record = json.loads(author.lock.read_text(encoding="utf-8"))["notes"]["fact/delta"]
    # both branches gave card 3 to their own deletion: neither keeps it, so no student's
    # reviews of one question move to the other; card 3 stays, empty, with its reviews
    assert record["deletions"] == {"xx": 1, "yy": 2, "mm": 4, "bb": 5}
    after = author.history()
    assert after["mm"][0] != history["mm"][0] and after["mm"][1] == 1  # a new card
    assert after["bb"][1] == 1
    assert author.student.reps(history["mm"][0]) >= history["mm"][1]  # card 3 kept, empty
    assert history["mm"][0] in author.student.empty_cards()


def test_a_lock_with_conflict_markers_is_merged_by_the_build(author: Author) -> None:
    history = _branches_that_both_add_a_deletion(author)
    merge = _git(author.root, "merge", "-q", "branch")
    assert merge.returncode != 0
    assert "<<<<<<<" in author.lock.read_text(encoding="utf-8")
    author.write(DELTA)  # a hand-resolved cards file comes next
    result = run("diff")
    assert "has merge conflict markers: merged both sides" in result.output, result.output
    _finish_merge(author, history)


def test_the_git_merge_driver_merges_the_lock(author: Author) -> None:
    history = _branches_that_both_add_a_deletion(author)
    lmndeck = shutil.which("lmndeck") or str(Path(sys.executable).parent / "lmndeck")
    _git(author.root, "config", "merge.lmndeck-lock.driver", f"{lmndeck} lock merge %A %B %O")
    (author.root / ".gitattributes").write_text("lmndeck.lock merge=lmndeck-lock\n")
    merge = _git(author.root, "merge", "-q", "branch")
    assert "CONFLICT (content): Merge conflict in cards/deck.yaml" in merge.stdout, merge
    assert "Merge conflict in cards/lmndeck.lock" not in merge.stdout
    text = author.lock.read_text(encoding="utf-8")
    assert "<<<<<<<" not in text
    assert json.loads(text)["notes"]["fact/delta"]["deletions"] == {
        "xx": 1,
        "yy": 2,
        "mm": 4,
        "bb": 5,
    }
    _finish_merge(author, history)


# -- 4. a lock of another project --------------------------------------------------------------


def test_a_lock_copied_from_another_project_is_refused(author: Author, tmp_path: Path) -> None:
    shutil.copy(Path(__file__).parent.parent / "cards" / "lmndeck.lock", author.lock)
    notes = len(json.loads(author.lock.read_text(encoding="utf-8"))["notes"])  # removed ones too
    author.write(DELTA)
    result = author.build()
    assert result.exit_code == 1
    assert (
        "cards/lmndeck.lock:3:1: error[foreign-lock]: this lock belongs to another project: deck "
        f"'Neurology::Motor neuron lesions' with {notes} notes, none of them in these cards files"
    ) in result.output
    assert "delete cards/lmndeck.lock" in result.output
    author.lock.unlink()
    assert author.build().exit_code == 0


def test_renaming_the_top_deck_of_ones_own_project_is_fine(author: Author) -> None:
    author.write(DELTA)
    author.publish()
    author.write(DELTA.replace("deck: Greek", "deck: Letters"))
    result = author.build()
    assert result.exit_code == 0, result.output
    author.write(DELTA.replace("deck: Greek", "deck: Letters").replace("id: other", "id: another"))
    assert author.build().exit_code == 0  # the deck name as last built identifies it too


# -- 5. random damage --------------------------------------------------------------------------


def _damages() -> st.SearchStrategy[Callable[[str], str]]:
    def truncate(at: float) -> Callable[[str], str]:
        return lambda text: text[: int(len(text) * at)]

    def flip(at: float, byte: int) -> Callable[[str], str]:
        def damage(text: str) -> str:
            data = bytearray(text.encode("utf-8", "surrogateescape"))
            if data:
                data[int(len(data) * at) % len(data)] = byte
            return data.decode("utf-8", "surrogateescape")

        return damage

    def swap_value(at: float, value: str) -> Callable[[str], str]:
        def damage(text: str) -> str:
            spots = list(re.finditer(r": (\d+|\"[^\"]*\"|true|false)", text))
            if not spots:
                return text
            spot = spots[int(len(spots) * at) % len(spots)]
            return text[: spot.start(1)] + value + text[spot.end(1) :]

        return damage

    def lines(at: float, how: str) -> Callable[[str], str]:
        def damage(text: str) -> str:
            rows = text.splitlines(keepends=True) or [""]
            index = int(len(rows) * at) % len(rows)
            if how == "delete":
                del rows[index]
            elif how == "duplicate":
                rows.insert(index, rows[index])
            else:
                rows[index:index] = [
                    "<<<<<<< HEAD\n",
                    rows[index],
                    "=======\n",
                    rows[-3] if how == "conflict" and len(rows) >= 3 else "",
                    ">>>>>>> b\n",
                ]
            return "".join(rows)

        return damage

    fraction = st.floats(0, 1)
    values = st.sampled_from(
        [
            "0",
            "-1",
            "1.5",
            "true",
            "null",
            '""',
            '"x"',
            "[]",
            "{}",
            "99999999999999999999",
            '"\\u0000"',
            '"\\ud800"',
            "1e400",
            "2",  # plausible values too, so that some damaged locks still build
            "3",
            "1767225600",
            '"Neurology::Demo"',
            '"cloze"',
        ]
    )
    return st.one_of(
        st.builds(truncate, fraction),
        st.builds(flip, fraction, st.integers(0, 255)),
        st.builds(swap_value, fraction, values),
        st.builds(
            lines, fraction, st.sampled_from(["delete", "duplicate", "conflict", "conflict-empty"])
        ),
    )


@settings(
    max_examples=25 if os.environ.get("CI") else 300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(damages=st.lists(_damages(), min_size=1, max_size=3))
def test_random_damage_gives_a_deck_anki_imports_or_a_clean_error(
    damages: list[Callable[[str], str]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.mktemp("fuzz")
    cards = root / "cards"
    cards.mkdir()
    (cards / "demo.yaml").write_text(SAMPLE, encoding="utf-8")
    deck = root / "deck.apkg"
    build(cards, deck)
    text = lock_path(cards).read_text(encoding="utf-8")
    for damage in damages:
        text = damage(text)
    lock_path(cards).write_bytes(text.encode("utf-8", "surrogateescape"))
    try:
        build(cards, deck, now=START + DAY)
    except ContentError as error:
        event("a clean error")
        for problem in error.problems:
            assert problem.position.path.endswith("lmndeck.lock") or problem.position.path.endswith(
                ".apkg"
            )
            assert problem.position.line >= 1 and problem.position.column >= 1
            assert problem.hint
            format_problem(problem, Path(".")).encode("utf-8")  # printable
        return
    event("a deck Anki imports")
    student = AnkiCollection(root / "anki" / "collection.anki2")
    try:
        log = student.import_package(deck)
        assert log.conflicting == 0
        # a record whose kind was damaged leaves a removed note beside the note it becomes
        assert len([card for card in student.cards() if card.deck != REMOVED_DECK]) == 6
        assert student.empty_cards() == []
    finally:
        student.close()


def test_dumps_of_a_read_lock_is_the_same_text(sample_lock: str, author: Author) -> None:
    from lmndeck.lockfile import read_lock_file

    read = read_lock_file(author.lock, "lock")
    assert read is not None
    assert encode_lock(read.lock).decode("utf-8") == sample_lock


def test_lock_merge_reports_a_missing_or_damaged_file_cleanly(author: Author) -> None:
    author.write(DELTA)
    author.build()
    (author.root / "theirs.lock").write_text("{", encoding="utf-8")
    result = run("lock", "merge", "cards/lmndeck.lock", "theirs.lock")
    assert result.exit_code == 1
    assert "theirs.lock:1:2: error[invalid-lock]: invalid JSON" in result.output
    result = run("lock", "merge", "cards/lmndeck.lock", "nowhere.lock")
    assert "nowhere.lock:1:1: error[no-lock-file]: no such lock file" in result.output


def test_a_record_of_another_kind_makes_a_new_note(tmp_path: Path) -> None:
    """Anki keeps a note's type, so a lock record of another kind (a damaged lock here; later
    a fact that changes kind) is not updated in place: the note gets a new note, the record
    becomes a removed note, and the package imports."""
    cards = tmp_path / "cards"
    cards.mkdir()
    (cards / "demo.yaml").write_text(SAMPLE, encoding="utf-8")
    deck = tmp_path / "deck.apkg"
    build(cards, deck)
    student = AnkiCollection(tmp_path / "anki" / "collection.anki2")
    try:
        student.import_package(deck)
        lock = lock_path(cards)
        text = lock.read_text(encoding="utf-8")
        cell = next(line for line in text.splitlines() if '"kind": "cell"' in line)
        lock.write_text(text.replace(cell, cell.replace('"kind": "cell"', '"kind": "cloze"')))
        with pytest.raises(ContentError) as refused:  # the deck reveals the edit
            build(cards, deck, now=START + DAY)
        assert "disagree about" in refused.value.problems[0].message
        deck.unlink()  # without the deck to tell, the record is taken as it is
        build(cards, deck, now=START + DAY)
        log = student.import_package(deck)
        # the tombstone carries the damaged kind, so Anki leaves the student's note as it is
        assert (log.new, log.updated, log.conflicting) == (1, 0, 1)
        assert student.empty_cards() == []
    finally:
        student.close()


_TEXT = st.text(max_size=12)  # any characters: quotes, backslashes, controls, non-ASCII
_NUMBERS = st.dictionaries(_TEXT, st.integers(1, 500), max_size=4)


@settings(max_examples=300, deadline=None)
@given(
    st.builds(
        NoteRecord,
        guid=_TEXT,
        kind=_TEXT,
        deck=_TEXT,
        id=st.integers(0, 2**53),
        hash=_TEXT,
        mod=st.integers(0, 2**40),
        deletions=_NUMBERS,
        retired=_NUMBERS,
        removed=st.booleans(),
    )
)
def test_a_note_record_is_written_as_the_json_encoder_writes_it(record: NoteRecord) -> None:
    """note_json writes a record field by field for speed: it must stay the encoder's text,
    on which every lock's bytes depend."""
    fields = {
        key: value
        for key, value in dataclasses.asdict(record).items()
        if value or key not in ("deletions", "retired", "removed")
    }
    assert note_json(record) == json.dumps(fields, sort_keys=True, ensure_ascii=False)


_KEY = st.text(min_size=0, max_size=6)
_RECORDS = st.builds(
    NoteRecord,
    guid=st.text(max_size=6),
    kind=st.sampled_from(["cloze", "table", "list", "nonsense"]),
    deck=_KEY,
    id=st.integers(-1, 2**53 + 1),
    hash=_KEY,
    mod=st.integers(-1, 2**32 + 1),
    deletions=st.dictionaries(_KEY, st.integers(0, 3), max_size=2),
    retired=st.dictionaries(_KEY, st.integers(0, 3), max_size=2),
    removed=st.booleans(),
)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=6), st.dictionaries(_KEY, _RECORDS, max_size=3))
def test_a_lock_marked_as_readable_is_read_back_as_it_is(
    namespace: str, notes: dict[str, NoteRecord]
) -> None:
    """A build marks the lock it wrote for the next build to read unchecked only when
    ``readable`` says reading it finds nothing wrong: it must never say so wrongly."""
    lock = Lock(namespace, notes)
    event(f"readable: {readable(lock)}")
    if readable(lock):
        text = encode_lock(lock).decode("utf-8")
        assert parse_lock(text, Locator(text, "lmndeck.lock")) == lock


def test_a_note_the_lock_gives_the_last_time_is_refused_before_anything_is_written(
    write_cards: WriteCards, tmp_path: Path
) -> None:
    """Anki stores a note's time in 32 bits, and a change must move it forward: a lock edited
    to give a note 2**32 - 1 cannot take that note's change. The build says so and writes
    nothing, rather than writing a lock the next build would refuse."""
    cards = write_cards()
    out = tmp_path / "deck.apkg"
    build(cards, out, now=1_700_000_000)
    lock = cards / "lmndeck.lock"
    lock.write_text(re.sub(r'"mod": \d+', '"mod": 4294967295', lock.read_text()))
    before = lock.read_bytes(), out.read_bytes()
    write_cards(SAMPLE.replace("classical of", "typical of"))
    result = CliRunner().invoke(main, ["build", str(cards), "-o", str(out)])
    assert result.exit_code == 1
    assert (
        "lmndeck.lock:1:1: error[invalid-lock]: 'fact/fasciculations' cannot change: the lock "
        "already gives it the last time Anki can store (4294967295)\n  hint: restore the lock"
    ) in result.output
    assert (lock.read_bytes(), out.read_bytes()) == before
