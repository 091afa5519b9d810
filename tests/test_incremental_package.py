"""A build updates the collection the last build left in the cache (its working file) instead of
writing every row again: the deck is the same byte for byte as a clean build's (no cache, the
lock kept), whatever changed, and real Anki imports what it ships."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from lmndeck import cache
from lmndeck import lock as lock_module
from lmndeck.collection import WorkingFile, write_collection
from lmndeck.contents import output_note
from lmndeck.lock import Lock, NoteRecord, WrittenLock, encode_lock, guid_for
from lmndeck.lockfile import read_lock_file
from lmndeck.package import lock_pieces
from lmndeck.pipeline import build, plan
from lmndeck.zipping import CHUNK
from tests.anki_client import AnkiCollection

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from synth import add_one_fact, edit_one_fact, write_cards

NOW = 1_700_000_000
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360f8cf000000030101004d0d55a90000000049454e44ae426082"
)
OWN = """\
deck: Own::Deck
sources:
  notes:
    title: My notes
source: notes
facts:
  - id: with-image
    text: The {{knee}} jerk.
    image: figures/knee.png
  - id: becomes-basic
    text: A {{cloze}} fact for now.
  - id: stays
    text: One more {{fact}}.
"""


def working_files(cards: Path) -> list[Path]:
    return sorted((cache.cache_dir(cards) / "builds").glob("*.anki2"))


def clean_build(cards: Path, where: Path) -> bytes:
    """The deck a build of a copy of ``cards`` (the lock kept) without any cache makes."""
    copy = where / "cards"
    shutil.rmtree(where, ignore_errors=True)
    shutil.copytree(cards, copy)
    build(copy, where / "deck.apkg", now=NOW + 100)
    return (where / "deck.apkg").read_bytes()


def remove_one_fact(cards: Path) -> None:
    path = cards / "own.yaml"
    path.write_text(path.read_text().replace("  - id: stays\n    text: One more {{fact}}.\n", ""))


def change_image(cards: Path) -> None:
    (cards / "figures" / "knee.png").write_bytes(PNG + b"\0")


def rename_deck(cards: Path) -> None:
    path = cards / "own.yaml"
    path.write_text(path.read_text().replace("deck: Own::Deck", "deck: Own::Renamed"))


def change_kind(cards: Path) -> None:
    path = cards / "own.yaml"
    basic = "    front: A basic card now\n    back: Its answer\n"
    path.write_text(path.read_text().replace("    text: A {{cloze}} fact for now.\n", basic))


EDITS: dict[str, Callable[[Path], object]] = {
    "reworded": lambda cards: edit_one_fact(cards, 1),
    "added": lambda cards: add_one_fact(cards, 1),
    "removed": remove_one_fact,
    "image changed": change_image,
    "deck renamed": rename_deck,
    "kind changed": change_kind,
}


@pytest.fixture
def cards(tmp_path: Path) -> Path:
    cards = tmp_path / "project" / "cards"
    write_cards(cards, 300, files=4)
    (cards / "figures").mkdir()
    (cards / "figures" / "knee.png").write_bytes(PNG)
    (cards / "own.yaml").write_text(OWN, encoding="utf-8")
    build(cards, cards.parent / "deck.apkg", now=NOW)
    return cards


@pytest.mark.parametrize("edit", EDITS)
def test_an_updated_collection_ships_the_bytes_of_a_clean_build(
    edit: str, cards: Path, tmp_path: Path, collection: AnkiCollection
) -> None:
    (working,) = working_files(cards)
    inode = working.stat().st_ino
    EDITS[edit](cards)
    build(cards, cards.parent / "deck.apkg", now=NOW + 100)
    assert working.stat().st_ino == inode  # updated in place, not made anew
    deck = (cards.parent / "deck.apkg").read_bytes()
    assert deck == clean_build(cards, tmp_path / "clean")
    collection.import_package(cards.parent / "deck.apkg")
    assert collection.col.note_count() > 300


def test_two_edits_in_a_row_still_ship_a_clean_builds_bytes(cards: Path, tmp_path: Path) -> None:
    for edit in EDITS.values():
        edit(cards)
        build(cards, cards.parent / "deck.apkg", now=NOW + 100)
    assert (cards.parent / "deck.apkg").read_bytes() == clean_build(cards, tmp_path / "clean")


@pytest.mark.parametrize(
    "damage",
    ["rows", "schema", "not sqlite", "touched"],
)
def test_a_working_file_changed_behind_the_cache_is_not_used(
    damage: str, cards: Path, tmp_path: Path
) -> None:
    (working,) = working_files(cards)
    if damage == "not sqlite":
        working.write_bytes(b"not a database")
    else:
        connection = sqlite3.connect(working)
        if damage == "rows":
            connection.execute("UPDATE notes SET flds = 'planted'")
        elif damage == "schema":
            connection.execute("CREATE TRIGGER t AFTER INSERT ON notes BEGIN SELECT 1; END")
        connection.commit()
        connection.close()
        if damage == "touched":
            os.utime(working, ns=(0, 0))
    edit_one_fact(cards, 1)
    build(cards, cards.parent / "deck.apkg", now=NOW + 100)
    assert (cards.parent / "deck.apkg").read_bytes() == clean_build(cards, tmp_path / "clean")


def test_only_the_rows_of_notes_that_changed_are_written(cards: Path, tmp_path: Path) -> None:
    """The working file's rows are compared by their digests, not read back: a row planted in
    it behind the cache's back stays (the cache's stamp would refuse such a file; here the
    planted row stands for a row nobody needs to write), and the edited note's row is new."""
    contents = plan(cards, now=NOW).contents
    working = WorkingFile(tmp_path / "working.anki2")
    write_collection(contents, tmp_path / "first.anki2", working)
    edited, kept = contents.notes[0], contents.notes[1]
    connection = sqlite3.connect(working.path)
    connection.execute("UPDATE notes SET flds = 'planted' WHERE id IN (?, ?)", (edited.id, kept.id))
    connection.commit()
    connection.close()
    reworded = output_note(
        *edited._replace(fields=("Reworded", *edited.fields[1:]), content="other", mod=NOW + 1)[:-1]
    )
    changed = replace(contents, notes=(reworded, *contents.notes[1:]))
    write_collection(changed, tmp_path / "second.anki2", working)
    connection = sqlite3.connect(tmp_path / "second.anki2")
    fields = dict(
        connection.execute("SELECT id, flds FROM notes WHERE id IN (?, ?)", (edited.id, kept.id))
    )
    connection.close()
    assert fields[kept.id] == "planted"
    assert fields[edited.id].startswith("Reworded")


def test_a_lock_written_after_an_edit_is_the_lock_encoded_afresh(tmp_path: Path) -> None:
    """The lock file after an edit takes the lines of unchanged records from the last one: its
    bytes are what encoding the whole lock gives, and the next build reads it as marked."""
    cards = tmp_path / "cards"
    write_cards(cards, 200, files=3)
    build(cards, tmp_path / "deck.apkg", now=1_700_000_000)
    for round_ in range(2):
        edit_one_fact(cards, round_)
        add_one_fact(cards, round_)
        build(cards, tmp_path / "deck.apkg", now=1_700_000_100 + round_)
        read = read_lock_file(cards / "lmndeck.lock", "lmndeck.lock")
        assert read is not None and read.written
        assert (cards / "lmndeck.lock").read_bytes() == encode_lock(read.lock)


def test_a_note_added_to_the_lock_changes_only_the_piece_of_the_lock_entry_it_is_in() -> None:
    """The lock entry is cut into chunks where its content says (after the notes of some
    GUIDs), not at fixed places that a line added in the middle would move for every chunk
    after it: each piece ends a line, none is larger than a chunk, and the pieces of a lock
    with one note more are those of the lock without it but one or two."""
    records = {
        f"fact/note-{number:05}": NoteRecord(
            guid_for("test", number),
            "cloze",
            "Deck::Sub",
            1_700_000_000_000 + number,
            f"{number:016x}",
            1_700_000_000,
            {"c1": 1, "c2": 2},
        )
        for number in range(0, 40_000, 2)
    }
    before = encode_lock(Lock("Deck", records))
    records["fact/note-20001"] = replace(records["fact/note-20000"], guid=guid_for("added"))
    after = encode_lock(Lock("Deck", records))
    pieces = [bytes(piece) for piece in lock_pieces(before)]
    assert b"".join(pieces) == before and len(pieces) > 10
    assert all(piece.endswith(b"\n") and len(piece) <= CHUNK for piece in pieces)
    changed = {bytes(piece) for piece in lock_pieces(after)} - set(pieces)
    assert 1 <= len(changed) <= 2


def test_a_lock_spliced_from_the_last_one_is_the_lock_encoded_afresh() -> None:
    """After a few changes the lock's text is the last one's with only their lines replaced,
    put in or taken out (``lock._spliced``): whatever changed, the same bytes as encoding the
    whole lock, keys before the first and after the last, non-ASCII ones and gone ones too."""
    rng = random.Random(7)
    names = ["fact/a", "fact/é", "list/z", "cell/m/n", "basic/q", "fact/\u4e2d", "0", "~"]

    def record(number: int) -> NoteRecord:
        deletions = {f"c{n}": n for n in range(1, rng.randint(0, 3) + 1)}
        return NoteRecord(
            guid_for("t", number), "cloze", "D", number + 1, f"{number:x}", 5, deletions
        )

    spliced = 0
    for round_ in range(300):
        keys = {f"{rng.choice(names)}-{n}" for n in range(rng.randint(1, 40))}
        before = Lock("Deck", {key: record(n) for n, key in enumerate(sorted(keys))})
        text = encode_lock(before).decode("utf-8")
        after = Lock("Deck", dict(before.notes))
        for key in rng.sample(sorted(keys), rng.randint(0, min(3, len(keys)))):
            if rng.random() < 0.5:
                del after.notes[key]
            else:
                after.notes[key] = replace(after.notes[key], mod=6, removed=rng.random() < 0.3)
        for n in range(rng.randint(0, 3)):
            after.notes[f"{rng.choice(names)}-new-{round_}-{n}"] = record(1000 + n)
        written = WrittenLock(before, text)
        assert encode_lock(after, written) == encode_lock(after)
        spliced += lock_module._spliced(after, written) is not None
    assert spliced > 200
