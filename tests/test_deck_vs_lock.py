"""The committed lock file is the truth; the deck in dist/ only fills in what a lock it continues
lacks (issue 19, classes 2, 3 and 5). Histories are checked in real Anki."""

from __future__ import annotations

import json
import re
import sqlite3
import zipfile
from pathlib import Path

import pytest

from lmndeck.package import LOCK_ENTRY
from tests.test_lock_safety import DELTA, Author, author, run

__all__ = ["author"]  # the fixture


def _rewrite_embedded_lock(deck: Path, edit: dict[str, object]) -> None:
    """The deck with its embedded lock's record of fact/delta changed: a tampered or hand-made
    deck (its collection is left as it is)."""
    with zipfile.ZipFile(deck) as package:
        entries = {name: package.read(name) for name in package.namelist()}
    text = entries[LOCK_ENTRY].decode()
    line = next(line for line in text.splitlines() if line.startswith('  "fact/delta"'))
    record = json.loads("{" + line.rstrip(",") + "}")["fact/delta"]
    record.update(edit)
    new_line = '  "fact/delta": ' + json.dumps(record, ensure_ascii=False)
    entries[LOCK_ENTRY] = text.replace(
        line, new_line + ("," if line.endswith(",") else "")
    ).encode()
    with zipfile.ZipFile(deck, "w") as package:
        for name, data in entries.items():
            package.writestr(name, data)


def test_a_later_deck_that_swaps_card_numbers_is_not_used(author: Author) -> None:
    author.write(DELTA)
    author.publish()
    history = author.history()
    lock = author.lock.read_bytes()
    # a later time and the two deletions' numbers swapped: it used to win over the lock
    _rewrite_embedded_lock(author.deck(), {"deletions": {"xx": 2, "yy": 1}, "mod": 2**31})
    author.write(DELTA.replace("then {{yy}}", "then {{yy}}."))
    result = author.publish()
    assert "built from another version of the lock file" in result.output
    numbers = json.loads(author.lock.read_text())["notes"]["fact/delta"]["deletions"]
    assert numbers == json.loads(lock)["notes"]["fact/delta"]["deletions"] == {"xx": 1, "yy": 2}
    after = author.history()
    for answer in ("xx", "yy"):  # each card still asks what its reviews were of
        assert after[answer][0] == history[answer][0]


def test_a_hand_edited_lock_is_refused_when_the_deck_tells(author: Author) -> None:
    author.write(DELTA)
    author.publish()
    text = author.lock.read_text()
    for edited in (
        re.sub(r'("fact/delta": \{[^\n]*?"guid": ")[^"\\]+', r"\1Hand+made", text),
        text.replace('"xx": 1, "yy": 2', '"xx": 2, "yy": 1'),
    ):
        assert edited != text
        author.lock.write_text(edited)
        result = author.build()
        assert result.exit_code == 1, result.output
        assert (
            "error[invalid-lock]: the lock file and dist/greek.apkg disagree about" in result.output
        )
        assert "cards/lmndeck.lock:" in result.output and "'fact/delta'" in result.output
        assert author.lock.read_text() == edited  # nothing written
    author.lock.write_text(text)
    assert author.build().exit_code == 0


def test_a_later_branchs_deck_in_an_ignored_dist_adds_no_removed_note(author: Author) -> None:
    """On branch B (behind A), the deck A built is still in dist/: its lock continues B's, but
    A's new fact must not enter B's lock as a removed note (it would ship as a tombstone)."""
    author.write(DELTA)
    author.publish()
    b_lock = author.lock.read_bytes()
    author.write(DELTA + "  - id: alpha\n    text: Alpha {{aa}}\n")  # branch A
    author.publish()
    author.write(DELTA)  # git checkout B: its cards and lock, A's deck stays
    author.lock.write_bytes(b_lock)
    result = run("build")
    assert result.exit_code == 0, result.output
    assert author.lock.read_bytes() == b_lock  # git checkout back is not blocked
    assert "fact/alpha" not in author.lock.read_text()
    with zipfile.ZipFile(author.deck()) as package:
        assert "fact/alpha" not in package.read(LOCK_ENTRY).decode()


def test_a_lock_that_lost_a_build_still_gets_its_numbers_back(author: Author) -> None:
    """The deck continues the lock (the lock of the last build was not committed): it fills in."""
    author.write(DELTA)
    author.publish()
    old = author.lock.read_bytes()
    author.write(DELTA.replace("then {{yy}}", "then {{yy}} {{zz}}"))
    author.publish()
    author.lock.write_bytes(old)
    result = author.publish()
    assert "restored them from its lock" in result.output
    assert '"zz": 3' in author.lock.read_text()


@pytest.mark.parametrize(
    "damage",
    [
        "UPDATE col SET decks = '[1, 2]'",
        "UPDATE col SET models = '\"text\"'",
        'UPDATE col SET decks = \'{"1": ["no", "name"]}\'',
        "UPDATE notes SET mod = 'yesterday'",
        "UPDATE notes SET flds = x'00ff'",
    ],
)
def test_a_deck_of_the_wrong_types_is_an_error_not_a_traceback(
    author: Author, damage: str, tmp_path: Path
) -> None:
    author.write(DELTA)
    author.publish()
    deck = author.deck()
    with zipfile.ZipFile(deck) as package:
        collection = package.read("collection.anki2")
    scratch = tmp_path / "c.anki2"
    scratch.write_bytes(collection)
    connection = sqlite3.connect(scratch)
    connection.execute(damage)
    connection.commit()
    connection.close()
    with zipfile.ZipFile(deck, "w") as package:  # an older deck: no lock inside
        package.writestr("collection.anki2", scratch.read_bytes())
        package.writestr("media", "{}")
    author.lock.unlink()
    result = author.build()
    assert result.exit_code == 1, result.output
    assert (
        "error[lock-unrecoverable]: the lock file is missing and the last built deck"
        in result.output
    )
    assert result.exception is None or isinstance(result.exception, SystemExit)
