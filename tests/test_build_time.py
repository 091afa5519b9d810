"""A build's time decides whether Anki takes a changed note: what the README says of a student's
own edit and SOURCE_DATE_EPOCH holds in real Anki, and an epoch older than the lock warns."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from lmndeck.cli import main
from tests.anki_client import AnkiCollection

CARDS = """\
deck: Times
sources: {notes: {title: Notes}}
source: notes
facts:
  - id: tone
    text: LMN lesions reduce muscle {{tone}}.
"""
JAN_1, JAN_2 = 1_767_225_600, 1_767_312_000


@pytest.fixture
def cards(tmp_path: Path) -> Path:
    folder = tmp_path / "cards"
    folder.mkdir()
    (folder / "deck.yaml").write_text(CARDS, encoding="utf-8")
    return folder


def build(cards: Path, epoch: int, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    result = CliRunner().invoke(main, ["build", str(cards), "-o", str(cards.parent / "d.apkg")])
    assert result.exit_code == 0, result.output
    return result.output


def test_an_epoch_older_than_the_lock_warns_and_a_later_one_does_not(
    cards: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "warning" not in build(cards, JAN_2, monkeypatch)
    (cards / "deck.yaml").write_text(CARDS.replace("reduce", "lower"), encoding="utf-8")
    output = build(cards, JAN_1, monkeypatch)
    assert f"lmndeck: warning[old-build-time]: SOURCE_DATE_EPOCH={JAN_1}" in output
    assert "git log -1 --format=%ct" in output
    (cards / "deck.yaml").write_text(CARDS.replace("reduce", "weaken"), encoding="utf-8")
    assert "warning" not in build(cards, JAN_2 + 86_400, monkeypatch)


def test_a_students_edit_after_the_build_time_stays_and_other_students_get_the_fix(
    cards: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(cards, JAN_1, monkeypatch)
    editor = AnkiCollection(tmp_path / "editor" / "collection.anki2")
    other = AnkiCollection(tmp_path / "other" / "collection.anki2")
    try:
        for student in (editor, other):
            student.import_package(tmp_path / "d.apkg")
        (note,) = editor.notes().values()
        note["Text"] = note["Text"].replace("muscle", "skeletal muscle")
        editor.col.update_note(note)  # stamped with the clock: now, after both build times
        assert note.mod > JAN_2 or editor.note(note.id).mod > JAN_2
        (cards / "deck.yaml").write_text(CARDS.replace("reduce", "lower"), encoding="utf-8")
        build(cards, JAN_2, monkeypatch)  # the fix, with an epoch before the student's edit
        assert (editor.import_package(tmp_path / "d.apkg").updated, time.time() > JAN_2) == (
            0,
            True,
        )
        assert "skeletal muscle" in editor.note(note.id)["Text"]  # the README: the edit stays
        assert other.import_package(tmp_path / "d.apkg").updated == 1
        (fixed,) = other.notes().values()
        assert "lower" in fixed["Text"]
    finally:
        editor.close()
        other.close()
