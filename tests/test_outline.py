"""A build takes the cards files it read before in outline (see ``outline``): it loads no model
of a file whose bytes did not change, unless one of its notes must render anew, and the deck
is the same byte for byte as a build's without any cache."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from lmndeck import cache, project
from lmndeck.contents import notes_of_columns
from lmndeck.outline import FileOutline, packed, unpacked
from lmndeck.pipeline import build

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from synth import edit_one_fact, write_cards

NOW = 1_700_000_000


def clean_build(cards: Path, where: Path, now: int = NOW + 100) -> bytes:
    copy = where / "cards"
    shutil.copytree(cards, copy)
    build(copy, where / "deck.apkg", now=now)
    return (where / "deck.apkg").read_bytes()


@pytest.fixture
def cards(tmp_path: Path) -> Path:
    cards = tmp_path / "project" / "cards"
    write_cards(cards, 150, files=3)
    build(cards, cards.parent / "deck.apkg", now=NOW)
    return cards


@pytest.fixture
def models_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files whose models a build reads (from the cache or the file)."""
    read: list[str] = []
    real = project._read

    def counted(root: Path, path: Path, shown: str, remember: bool) -> object:
        read.append(shown)
        return real(root, path, shown, remember)

    monkeypatch.setattr(project, "_read", counted)
    return read


def test_after_an_edit_only_the_edited_files_model_is_read(
    cards: Path, models_read: list[str], tmp_path: Path
) -> None:
    edited = edit_one_fact(cards, 1)
    build(cards, cards.parent / "deck.apkg", now=NOW + 100)
    assert models_read == [edited.relative_to(cards).as_posix()]
    assert (cards.parent / "deck.apkg").read_bytes() == clean_build(cards, tmp_path / "clean")


def test_a_note_the_lock_numbers_otherwise_is_rendered_from_its_files_model(
    cards: Path, models_read: list[str], tmp_path: Path
) -> None:
    lock = cards / "lmndeck.lock"
    document = json.loads(lock.read_text(encoding="utf-8"))
    key, record = next(
        (key, record)
        for key, record in sorted(document["notes"].items())
        if record.get("deletions")
    )
    record["deletions"] = {name: number + 10 for name, number in record["deletions"].items()}
    lock.write_text(json.dumps(document, indent=1), encoding="utf-8")  # edited by hand
    (cards.parent / "deck.apkg").unlink()  # which would contradict it
    build(cards, cards.parent / "deck.apkg", now=NOW + 100)
    assert len(models_read) == 1  # the file of that note, and no other
    deck = (cards.parent / "deck.apkg").read_bytes()
    assert deck == clean_build(cards, tmp_path / "clean")
    assert f'"{key}"' in lock.read_text(encoding="utf-8")


def test_a_file_the_cache_has_as_read_but_not_in_outline_gets_its_outline_again(
    cards: Path, models_read: list[str], tmp_path: Path
) -> None:
    path = sorted(cards.glob("*.yaml"))[0]
    outline = cache.file_entry(cards, path, "outline")
    outline.unlink()
    edit_one_fact(cards, 1)  # another file: the build builds
    build(cards, cards.parent / "deck.apkg", now=NOW + 100)
    assert path.name in models_read and outline.exists()
    models_read.clear()
    edit_one_fact(cards, 2)
    build(cards, cards.parent / "deck.apkg", now=NOW + 200)
    assert path.name not in models_read
    clean = clean_build(cards, tmp_path / "clean", now=NOW + 200)
    assert (cards.parent / "deck.apkg").read_bytes() == clean


@pytest.mark.parametrize("columns", [None, 5, (5,), ((1,), (2,)), ((1, 2), (3,))])
def test_packed_notes_and_outlines_of_another_shape_are_misses(columns: object) -> None:
    """A cache entry is read only when signed, but one of the wrong shape is still a miss:
    never an exception."""
    assert notes_of_columns(columns) == ()  # type: ignore[arg-type]
    outline = FileOutline("a.yaml", "Deck", [], [], (), (), (), (), (), ())
    assert unpacked(packed(outline)) == outline
    assert unpacked((outline, columns, ())) is None
    assert unpacked((outline, (), columns)) is None
    assert unpacked(columns) is None
