"""`lmndeck build --package-format latest`: Anki's latest package format (collection.anki21b,
zstd), checked against Anki's own importer (the `anki` package) and against the legacy build of
the same cards."""

from __future__ import annotations

import hashlib
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from anki.import_export_pb2 import MediaEntries, PackageMetadata
from click.testing import CliRunner, Result

from lmndeck.cli import main as cli
from lmndeck.package import read_collection
from tests.anki_client import AnkiCollection
from tests.conftest import start_over
from tests.test_media import GIF, SVG, png
from tests.test_media import cards as cards  # the fixture: a cards directory with three images

START = 1767225600  # the conftest's build time
DAY = 86400


def build(cards: Path, deck: Path, *options: str) -> Result:
    result = CliRunner().invoke(cli, ["build", str(cards), "-o", str(deck), *options])
    assert result.exit_code == 0, result.output
    return result


def imported(apkg: Path, root: Path) -> dict[str, Any]:
    """What a fresh collection holds after importing ``apkg`` with Anki's default options."""
    collection = AnkiCollection(root / "collection.anki2")
    try:
        log = collection.import_package(apkg)
        notes = collection.notes()
        media = Path(collection.col.media.dir())
        return {
            "log": log,
            "notes": sorted(
                (guid, note.mod, note.note_type()["name"], tuple(note.fields), tuple(note.tags))
                for guid, note in notes.items()
            ),
            "cards": sorted(
                (notes_by_id[card.note_id], card.ord, card.deck, card.question, card.answer)
                for notes_by_id in [{note.id: guid for guid, note in notes.items()}]
                for card in collection.cards()
            ),
            "note types": {
                name: {
                    key: collection.note_type(name)[key]
                    for key in ("id", "flds", "tmpls", "css", "type", "sortf")
                }
                for name in {note.note_type()["name"] for note in notes.values()}
            },  # a fresh collection's own (Basic, Cloze...) are made with the time as their id
            "media": {path.name: path.read_bytes() for path in media.iterdir() if path.is_file()},
        }
    finally:
        collection.close()


def test_a_latest_deck_imports_into_anki_as_the_legacy_deck_does(
    cards: Path, tmp_path: Path
) -> None:
    build(cards, tmp_path / "legacy.apkg")
    build(cards, tmp_path / "latest.apkg", "--package-format", "latest")
    legacy = imported(tmp_path / "legacy.apkg", tmp_path / "one")
    latest = imported(tmp_path / "latest.apkg", tmp_path / "two")
    assert latest["log"].new == legacy["log"].new == 8
    assert latest["log"].conflicting == 0
    assert latest["media"] and set(latest["media"]) == {
        f"lmndeck-{hashlib.sha256(data).hexdigest()[:16]}.{suffix}"
        for data, suffix in ((png(), "png"), (SVG, "svg"), (GIF, "gif"))
    }
    assert latest == legacy


def test_a_latest_deck_is_what_anki_exports(cards: Path, tmp_path: Path) -> None:
    """The entries Anki's exporter writes, less its placeholder collection.anki2 (a note that
    says to update Anki, which the importers that read this format never open), plus the lock;
    the collection inside is the legacy deck's, byte for byte."""
    build(cards, tmp_path / "legacy.apkg")
    build(cards, tmp_path / "latest.apkg", "--package-format", "latest")
    with zipfile.ZipFile(tmp_path / "latest.apkg") as package:
        assert package.namelist() == [
            "meta",
            "collection.anki21b",
            "media",
            "lmndeck.lock",
            "0",
            "1",
            "2",
        ]
        stored = [info.filename for info in package.infolist() if info.compress_type == 0]
        assert stored == ["meta", "collection.anki21b", "media", "0", "1", "2"]
        meta = PackageMetadata.FromString(package.read("meta"))
        assert meta.version == PackageMetadata.VERSION_LATEST
        import zstandard

        entries = MediaEntries.FromString(zstandard.decompress(package.read("media"))).entries
        for number, entry in enumerate(entries):
            data = zstandard.decompress(package.read(str(number)))
            assert (entry.size, entry.sha1) == (len(data), hashlib.sha1(data).digest())
        assert [entry.name for entry in entries] == sorted(entry.name for entry in entries)
        collection = read_collection(package)
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    with zipfile.ZipFile(tmp_path / "legacy.apkg") as package:
        assert collection == read_collection(package)
        lock = package.read("lmndeck.lock")
    assert zipfile.ZipFile(tmp_path / "latest.apkg").read("lmndeck.lock") == lock


def test_a_latest_deck_is_the_same_bytes_every_build(cards: Path, tmp_path: Path) -> None:
    build(cards, tmp_path / "one.apkg", "--package-format", "latest")
    build(cards, tmp_path / "two.apkg", "--package-format", "latest")
    first = (tmp_path / "one.apkg").read_bytes()
    assert first == (tmp_path / "two.apkg").read_bytes()
    # an edit and its undoing: the incremental builds (working file, chunks) end where a clean
    # build does
    deck_file = cards / "demo.yaml"
    text = deck_file.read_text(encoding="utf-8")
    deck_file.write_text(text.replace("tests L3-L4", "tests L2-L4"), encoding="utf-8")
    build(cards, tmp_path / "one.apkg", "--package-format", "latest")
    assert (tmp_path / "one.apkg").read_bytes() != first
    deck_file.write_text(text, encoding="utf-8")
    start_over(cards)
    build(cards, tmp_path / "one.apkg", "--package-format", "latest")
    build(cards, tmp_path / "three.apkg", "--package-format", "latest")
    assert (tmp_path / "one.apkg").read_bytes() == (tmp_path / "three.apkg").read_bytes()


def test_switching_format_and_back_keeps_notes_reviews_and_the_lock(
    cards: Path, tmp_path: Path, collection: AnkiCollection, monkeypatch: pytest.MonkeyPatch
) -> None:
    deck = tmp_path / "dist" / "deck.apkg"
    deck_file = cards / "demo.yaml"
    build(cards, deck)
    collection.import_package(deck)
    reviewed = [card.id for card in collection.cards()]
    for card_id in reviewed:
        collection.review(card_id)
    ids = {guid: note.id for guid, note in collection.notes().items()}
    lock = (cards / "lmndeck.lock").read_bytes()

    # the same cards in the other format: the deck is rewritten (the cache does not call it up
    # to date), the lock is not, and a re-import changes nothing
    result = build(cards, deck, "--package-format", "latest")
    assert "collection.anki21b" in zipfile.ZipFile(deck).namelist()
    assert (cards / "lmndeck.lock").read_bytes() == lock
    assert "up to date" not in result.output
    log = collection.import_package(deck)
    assert (log.new, log.updated, log.conflicting) == (0, 0, 0)

    for step, (before, after, package_format) in enumerate(
        [("tests L3-L4", "tests L2-L4", "latest"), ("L2-L4", "L2-L5", "legacy")], start=1
    ):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(START + step * DAY))
        text = deck_file.read_text(encoding="utf-8")
        deck_file.write_text(text.replace(before, after), encoding="utf-8")
        build(cards, deck, "--package-format", package_format)
        # reusing what the other format's build kept changes nothing: as a build from scratch
        clean = tmp_path / f"clean-{step}.apkg"
        build(cards, clean, "--package-format", package_format)
        assert deck.read_bytes() == clean.read_bytes()
        names = zipfile.ZipFile(deck).namelist()
        assert ("collection.anki21b" in names) == (package_format == "latest")
        log = collection.import_package(deck)
        assert (log.new, log.updated, log.conflicting) == (0, 1, 0)
        assert {guid: note.id for guid, note in collection.notes().items()} == ids
        assert [card.id for card in collection.cards()] == reviewed
        assert all(collection.revlog_count(card_id) == 1 for card_id in reviewed)
        assert any(after in card.question for card in collection.cards())
    assert collection.empty_cards() == []


def test_a_lost_lock_comes_back_from_a_latest_deck(cards: Path, tmp_path: Path) -> None:
    deck = tmp_path / "deck.apkg"
    build(cards, deck, "--package-format", "latest")
    lock = (cards / "lmndeck.lock").read_bytes()
    start_over(cards)
    result = build(cards, deck, "--package-format", "latest")
    assert "recovered" in result.output and "deck.apkg" in result.output
    assert (cards / "lmndeck.lock").read_bytes() == lock


def test_check_compares_the_deck_in_the_format_asked_for(cards: Path, tmp_path: Path) -> None:
    deck = tmp_path / "deck.apkg"
    build(cards, deck, "--package-format", "latest")
    command = ["build", str(cards), "-o", str(deck), "--check"]
    assert CliRunner().invoke(cli, [*command, "--package-format", "latest"]).exit_code == 0
    legacy = CliRunner().invoke(cli, command)
    assert legacy.exit_code == 1 and "error[deck-out-of-date]" in legacy.stderr
    environment = {"LMNDECK_PACKAGE_FORMAT": "latest"}
    assert CliRunner(env=environment).invoke(cli, command).exit_code == 0


def test_without_zstandard_the_latest_format_is_a_clean_error(
    cards: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "zstandard", None)  # 'import zstandard' fails
    deck = tmp_path / "deck.apkg"
    result = CliRunner().invoke(
        cli, ["build", str(cards), "-o", str(deck), "--package-format", "latest"]
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("lmndeck: error[no-zstd]")
    assert ".[latest]" in result.stderr and "Traceback" not in result.output
    assert "nothing was written" in result.stderr
    assert not deck.exists() and not (cards / "lmndeck.lock").exists()
    # the default format needs no zstd
    build(cards, deck)


def test_sync_writes_its_deck_in_the_format_asked_for(cards: Path, tmp_path: Path) -> None:
    path = tmp_path / "anki" / "collection.anki2"
    AnkiCollection(path).close()
    deck = tmp_path / "deck.apkg"
    options = ["--collection", str(path), "--no-backup", "-o", str(deck)]
    result = CliRunner().invoke(cli, ["sync", str(cards), *options, "--package-format", "latest"])
    assert result.exit_code == 0, result.output
    assert "collection.anki21b" in zipfile.ZipFile(deck).namelist()
    collection = AnkiCollection(path)
    try:
        assert len(collection.notes()) == 8
    finally:
        collection.close()
