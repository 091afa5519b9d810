"""The fast paths that make builds quick give exactly what the slow, thorough ones give."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import genanki
import pytest

from lmndeck import notetypes, recover
from lmndeck.jsonlocated import Entry, Locator, Object, parse_fast
from lmndeck.lock import Lock, NoteRecord, guid_for
from lmndeck.lockconflict import split_conflict
from lmndeck.lockparse import LockValidator, _plain_note, readable
from lmndeck.package import BuiltPackage, read_package
from lmndeck.pipeline import build

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from synth import edit_one_fact, write_cards

LOCK = Path(__file__).resolve().parent.parent / "cards" / "lmndeck.lock"
RECORDS = json.loads(LOCK.read_text(encoding="utf-8"))["notes"]

# Each changes a valid record: the plain check accepts what the validator that reports
# problems accepts, and reads it the same (dict orders included).
MUTATIONS: dict[str, Any] = {
    "nothing": lambda r: r,
    "guid number": lambda r: r | {"guid": 12},
    "guid space": lambda r: r | {"guid": "a b"},
    "guid long": lambda r: r | {"guid": "x" * 65},
    "kind unknown": lambda r: r | {"kind": "clozed"},
    "deck blank": lambda r: r | {"deck": "  "},
    "deck control": lambda r: r | {"deck": "A\x07"},
    "hash empty": lambda r: r | {"hash": ""},
    "hash control": lambda r: r | {"hash": "\x00"},
    "id zero": lambda r: r | {"id": 0},
    "id huge": lambda r: r | {"id": 2**53},
    "id float": lambda r: r | {"id": 1.0},
    "id bool": lambda r: r | {"id": True},
    "mod huge": lambda r: r | {"mod": 2**32},
    "removed null": lambda r: r | {"removed": None},
    "removed true": lambda r: r | {"removed": True},
    "removed zero": lambda r: r | {"removed": 0},
    "removed empty": lambda r: r | {"removed": ""},
    "deletions null": lambda r: r | {"deletions": None},
    "deletions list": lambda r: r | {"deletions": [1]},
    "deletions zero": lambda r: r | {"deletions": {"a": 0}},
    "deletions shared number": lambda r: r | {"deletions": {"a": 1}, "retired": {"b": 1}},
    "deletions twice": lambda r: r | {"deletions": {"a": 1}, "retired": {"a": 2}},
    "deletions on a cell": lambda r: r | {"kind": "cell", "deletions": {"a": 1}},
    "unknown field": lambda r: r | {"colour": "red"},
    "missing mod": lambda r: {k: v for k, v in r.items() if k != "mod"},
}


def _validated(node: Object) -> NoteRecord | None:
    validator = LockValidator(Locator("", "lock"))
    found = validator._note(Entry("key", -1, node))
    return found[0] if found and not validator.problems else None


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_a_plain_note_is_what_the_validator_reads(mutation: str) -> None:
    for record in RECORDS.values():
        node = parse_fast(json.dumps(MUTATIONS[mutation](record)))
        plain, validated = _plain_note(node), _validated(node)
        assert plain == validated  # both None, or the same record
        if plain is not None and validated is not None:
            assert list(plain.deletions.items()) == list(validated.deletions.items())
            assert list(plain.retired.items()) == list(validated.retired.items())


def test_duplicate_fields_are_left_to_the_validator() -> None:
    node = parse_fast('{"guid": "a", "guid": "b"}')
    assert _plain_note(node) is None


def test_a_lock_without_markers_has_no_conflict_and_one_with_them_has() -> None:
    text = LOCK.read_text(encoding="utf-8")
    assert split_conflict(text, "lock") is None
    lines = text.splitlines(keepends=True)
    conflicted = "".join(
        [*lines[:5], "<<<<<<< ours\n", lines[5], "=======\n", ">>>>>>> b\n", *lines[6:]]
    )
    assert split_conflict(conflicted, "lock") is not None


def test_guids_are_genankis() -> None:
    cases: list[tuple[object, ...]] = [
        ("lmndeck", "Neurology::Motor neuron lesions", "fact/fasciculations"),
        ("lmndeck", "", ""),
        ("lmndeck", "Ünïcode ✓ 𝄞", "cell/t/r/c", 3),
        ("lmndeck", "ns", "key", "merged"),
        *(("lmndeck", "ns", f"fact/{number}", number % 3) for number in range(2000)),
    ]
    for values in cases:
        assert guid_for(*values) == genanki.guid_for(*values)


def test_a_lock_checked_against_a_known_one_still_finds_what_changed() -> None:
    """``readable`` skips the records a known lock has the same, and only those."""
    record = NoteRecord("abcdefghij", "cloze", "Deck", 1_700_000_000_000, "0" * 16, 1_700_000_000)
    other = replace(record, guid="klmnopqrst", id=record.id + 1)
    known = Lock("Deck", {"fact/a": record, "fact/b": other})
    same = Lock("Deck", dict(known.notes))
    assert readable(same, known)
    for bad in (replace(other, deck="Tab\there"), replace(other, kind="nothing")):
        changed = Lock("Deck", {**known.notes, "fact/b": bad})
        assert not readable(changed, known)
    twice = Lock("Deck", {**known.notes, "fact/c": replace(record, guid="uvwxyzABCD")})
    assert not readable(twice, known)  # a new record with another's id


def test_anki_note_type_kinds_are_genankis() -> None:
    assert (notetypes.ANKI_FRONT_BACK, notetypes.ANKI_CLOZE) == (
        genanki.Model.FRONT_BACK,
        genanki.Model.CLOZE,
    )


def test_a_build_whose_note_types_and_decks_are_unchanged_never_imports_genanki(
    tmp_path: Path,
) -> None:
    """genanki imports asyncio: about a tenth of a build that changes one fact. The note types'
    hashes come from the cache, the collection's col row is the working file's; the deck
    is a clean build's, byte for byte."""
    cards = tmp_path / "project" / "cards"
    write_cards(cards, 200, files=3)
    run = [sys.executable, "-c", _BUILD, str(cards)]
    assert subprocess.run(run, capture_output=True, text=True, check=True).stdout == "True\n"
    edit_one_fact(cards, 1)
    assert subprocess.run(run, capture_output=True, text=True, check=True).stdout == "False\n"
    clean = tmp_path / "clean"
    shutil.copytree(cards, clean / "cards")
    subprocess.run([*run[:3], str(clean / "cards")], capture_output=True, check=True)
    assert (clean / "deck.apkg").read_bytes() == (cards.parent / "deck.apkg").read_bytes()


_BUILD = """
import sys
from pathlib import Path
from lmndeck.pipeline import build
cards = Path(sys.argv[1])
build(cards, cards.parent / "deck.apkg", now=1_700_000_000)
print("genanki" in sys.modules)
"""


def test_a_deck_its_build_record_vouches_for_is_not_read_for_its_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last build's record names the lock its deck holds: the next build reads the lock out
    of the deck only when the deck or the lock is not what that build wrote (the deck checked
    by its bytes; tests/test_deck_vs_lock.py changes each behind the record's back)."""
    cards = tmp_path / "cards"
    write_cards(cards, 60, files=2)
    deck = tmp_path / "deck.apkg"
    build(cards, deck, now=1_700_000_000)
    read: list[Path] = []

    def reading(path: Path) -> BuiltPackage:
        read.append(path)
        return read_package(path)

    monkeypatch.setattr(recover, "read_package", reading)
    edit_one_fact(cards, 1)
    build(cards, deck, now=1_700_000_100)
    assert read == []
    with zipfile.ZipFile(deck, "a") as package:  # the same lock inside, other bytes
        package.writestr("extra", b"")
    edit_one_fact(cards, 2)
    build(cards, deck, now=1_700_000_200)
    assert read == [deck]
