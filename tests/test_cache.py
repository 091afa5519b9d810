"""The build cache (.lmndeck-cache/ beside the cards directory): a rebuild redoes only what
changed, a build with nothing to do writes nothing, and a damaged, stale or foreign cache is
ignored: the deck is the same byte for byte with it, without it and with a broken one."""

from __future__ import annotations

import json
import os
import pickle
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from yaml import Node

from lmndeck import cache, jsonlocated, lockfile, packaged, pipeline, project
from lmndeck.cli import main
from lmndeck.deckfile import ReadFile, read_deck_file
from lmndeck.lock import Lock
from lmndeck.lockparse import parse_lock
from lmndeck.pipeline import UpToDate, build
from tests.conftest import SAMPLE, WriteCards, start_over

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from synth import add_one_fact, edit_one_fact, write_cards

NOW = 1_700_000_000


def deck_and_lock(cards: Path, out: Path) -> tuple[bytes, bytes]:
    build(cards, out, now=NOW)
    return out.read_bytes(), (cards / "lmndeck.lock").read_bytes()


def fresh_copy(cards: Path, where: Path) -> Path:
    """The cards files and the lock in a new directory, without the cache beside them."""
    copy = where / "cards"
    shutil.copytree(cards, copy)
    return copy


def file_entries(cards: Path) -> list[Path]:
    return sorted((cache.cache_dir(cards) / "files").glob("*.pickle"))


def test_the_cache_lives_beside_the_cards_directory_and_ignores_itself(
    write_cards: WriteCards, tmp_path: Path
) -> None:
    cards = write_cards()
    build(cards, tmp_path / "deck.apkg", now=NOW)
    assert cache.cache_dir(cards) == tmp_path / ".lmndeck-cache"
    # the file as read, in outline, its notes as rendered and as packaged; the lock's mark and
    # the lock whole (its base: see lockfile)
    assert len(file_entries(cards)) == 6
    assert (tmp_path / ".lmndeck-cache" / ".gitignore").read_text().endswith("*\n")
    assert sorted(path.name for path in cards.iterdir()) == ["demo.yaml", "lmndeck.lock"]


def test_a_deck_is_the_same_with_and_without_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cards = tmp_path / "a" / "cards"
    write_cards(cards, 300, files=4)
    cold = deck_and_lock(cards, tmp_path / "a.apkg")
    copy = fresh_copy(cards, tmp_path / "b")
    for directory in (cards, copy):
        edit_one_fact(directory, 1)
    read: list[str] = []

    def counted(root: Node | None, shown: str, cards_dir: Path) -> ReadFile:
        read.append(shown)
        return read_deck_file(root, shown, cards_dir)

    monkeypatch.setattr(project, "read_deck_file", counted)
    cached = deck_and_lock(cards, tmp_path / "a.apkg")
    assert read == ["topic-02.yaml"]  # the edited file; the other three came from the cache
    assert cached == deck_and_lock(copy, tmp_path / "b.apkg")
    assert cached != cold


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: data[:40] + bytes(byte ^ 0x5A for byte in data[40:80]) + data[80:],
        lambda data: b"not a pickle at all",
        lambda data: b"",
    ],
    ids=["truncated", "corrupt", "garbage", "empty"],
)
def test_a_damaged_cache_entry_is_read_again(
    tmp_path: Path, damage: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    cards = tmp_path / "a" / "cards"
    write_cards(cards, 200, files=2)
    expected = deck_and_lock(fresh_copy(cards, tmp_path / "b"), tmp_path / "b.apkg")
    (cards / "lmndeck.lock").unlink(missing_ok=True)
    build(cards, tmp_path / "a.apkg", now=NOW)
    assert callable(damage)
    for entry in file_entries(cards):
        entry.write_bytes(damage(entry.read_bytes()))
    start_over(cards)  # the next build builds (and reads the cache)
    (tmp_path / "a.apkg").unlink()
    assert deck_and_lock(cards, tmp_path / "a.apkg") == expected
    for path in sorted(cards.glob("*.yaml")):  # replaced by good entries
        key = cache.file_key(path.name, path.read_bytes())
        assert isinstance(cache.load(cache.file_entry(cards, path), key), ReadFile)


def test_an_entry_of_other_bytes_or_another_version_is_not_used(
    write_cards: WriteCards, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cards = write_cards()
    out = tmp_path / "deck.apkg"
    build(cards, out, now=NOW)
    stale = {entry: entry.read_bytes() for entry in file_entries(cards)}  # the first version's
    write_cards(SAMPLE.replace("classical of", "typical of"))
    for entry, data in stale.items():
        entry.write_bytes(data)
    build(cards, out, now=NOW + 1)
    assert _field_texts(out).count("typical of") == 1
    # A cache written by another version of lmndeck: the same file, another key
    monkeypatch.setattr(cache, "_FORMAT", "lmndeck 0.0.0 cache 1")
    key = cache.file_key("demo.yaml", (cards / "demo.yaml").read_bytes())
    assert cache.load(cache.file_entry(cards, cards / "demo.yaml"), key) is None


@pytest.mark.parametrize("piece", [16_384, 7])  # the base stored in one piece, in many
def test_the_lock_the_cache_keeps_is_the_lock_file_after_every_kind_of_change(
    piece: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache keeps a base lock and, per lock written since, what differs from it (see
    lockfile): the lock taken from it is the lock file's, in its order, whatever changed:
    a reworded, an added and a removed note, a kind changed, and the largest file removed
    (more than an eighth of the notes: a new base)."""
    monkeypatch.setattr(lockfile, "_PIECE", piece)
    cards = tmp_path / "cards"
    paths = write_cards(cards, 300, files=3)
    build(cards, tmp_path / "deck.apkg", now=NOW)
    bases = []
    steps: list[Callable[[int], object]] = [
        lambda step: edit_one_fact(cards, step),
        lambda step: add_one_fact(cards, step),
        lambda step: replace_fact(paths[0], ""),
        lambda step: replace_fact(paths[1], "    front: Now a question?\n    back: Yes\n"),
        lambda step: max(paths, key=lambda path: path.stat().st_size).unlink(),
        lambda step: add_one_fact(cards, step),
    ]
    for step, change in enumerate(steps):
        change(step)
        build(cards, tmp_path / "deck.apkg", now=NOW + 10 * (step + 1))
        read = lockfile.read_lock_file(cards / "lmndeck.lock", "lmndeck.lock")
        text = (cards / "lmndeck.lock").read_text()
        parsed = parse_lock(text, jsonlocated.Locator(text, "lmndeck.lock"))
        assert read is not None and read.written and read.base is not None
        assert read.lock == parsed
        assert list(read.lock.notes) == list(parsed.notes)
        assert list(read.lock.note_types) == list(parsed.note_types)
        bases.append(read.base.digest)
    assert len(set(bases)) == 2  # the first build's, then the one after the file removed


def replace_fact(path: Path, body: str) -> None:
    """The first cloze fact of a file of bench/synth.py removed (``body`` empty) or given
    ``body`` instead (under the same id)."""
    text = path.read_text(encoding="utf-8")
    found = re.search(r"  - id: (t\d+-fact-\d+)\n(?:    .*\n|      .*\n)*", text)
    assert found is not None
    block = f"  - id: {found.group(1)}\n{body}" if body else ""
    path.write_text(text[: found.start()] + block + text[found.end() :], encoding="utf-8")


def test_a_rebuild_reads_the_lock_its_build_wrote_from_the_cache_and_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cards = tmp_path / "a" / "cards"
    write_cards(cards, 200, files=2)
    build(cards, tmp_path / "a.apkg", now=NOW)
    lock = cards / "lmndeck.lock"
    cached = lockfile.read_lock_file(lock, "lmndeck.lock")
    text = lock.read_text()
    read = parse_lock(text, jsonlocated.Locator(text, "lmndeck.lock"))
    assert cached is not None and cached.lock == read  # the same lock, in the same order
    assert list(cached.lock.notes) == list(read.notes)
    assert list(cached.lock.note_types) == list(read.note_types)
    copy = fresh_copy(cards, tmp_path / "b")
    parsed: list[int] = []

    def counted(text: str, locator: jsonlocated.Locator) -> Lock:
        parsed.append(len(text))
        return parse_lock(text, locator)

    monkeypatch.setattr(lockfile, "parse_lock", counted)
    for directory in (cards, copy):
        edit_one_fact(directory, 1)
    assert deck_and_lock(cards, tmp_path / "a.apkg") == deck_and_lock(copy, tmp_path / "b.apkg")
    assert len(parsed) == 1  # the copy's: it has no cache
    # A damaged entry: the lock file is read instead, and the deck is the same
    (entry,) = (path for path in file_entries(cards) if path.name.endswith(".lock.pickle"))
    entry.write_bytes(entry.read_bytes()[:-9] + bytes(9))
    for directory in (cards, copy):
        edit_one_fact(directory, 2)
    assert deck_and_lock(cards, tmp_path / "a.apkg") == deck_and_lock(copy, tmp_path / "b.apkg")
    assert len(parsed) == 2  # the damaged entry's; the copy now has a cache of its own
    # A lock edited by hand has other bytes: it is read, and its problem reported
    lock.write_text(lock.read_text().replace('"mod": ', '"mod": -', 1))
    result = CliRunner().invoke(main, ["build", str(cards), "-o", str(tmp_path / "a.apkg")])
    assert result.exit_code == 1
    assert "lmndeck.lock:" in result.output and "error[invalid-lock]" in result.output


def _field_texts(apkg: Path) -> str:
    import sqlite3
    import zipfile

    connection = sqlite3.connect(":memory:")
    connection.deserialize(zipfile.ZipFile(apkg).read("collection.anki2"))
    return " ".join(row[0] for row in connection.execute("SELECT flds FROM notes"))


def test_a_build_with_nothing_to_do_writes_nothing(
    write_cards: WriteCards, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cards = write_cards()
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    first = runner.invoke(main, ["build"])
    assert first.exit_code == 0, first.output
    (deck,) = (tmp_path / "dist").glob("*.apkg")
    lock = cards / "lmndeck.lock"
    before = [(path.stat().st_ino, path.stat().st_mtime_ns) for path in (deck, lock)]
    again = runner.invoke(main, ["build"])
    assert again.exit_code == 0, again.output
    assert again.output == first.output.split(";")[0] + ".\n"  # the counts, no changes
    assert [(path.stat().st_ino, path.stat().st_mtime_ns) for path in (deck, lock)] == before


def test_the_shortcut_is_not_taken_when_the_deck_or_the_lock_changed(
    write_cards: WriteCards, tmp_path: Path
) -> None:
    cards = write_cards()
    out = tmp_path / "deck.apkg"
    built = deck_and_lock(cards, out)
    result, _ = build(cards, out)
    assert isinstance(result, UpToDate)
    out.write_bytes(b"another deck")  # replaced by hand: built again
    result, _ = build(cards, out)
    assert not isinstance(result, UpToDate)
    assert out.read_bytes() == built[0]
    lock = cards / "lmndeck.lock"
    lock.write_text(lock.read_text().replace('"mod": ', '"mod":  '))  # same content, other bytes
    result, _ = build(cards, out)
    assert not isinstance(result, UpToDate)
    assert lock.read_bytes() == built[1]


def test_an_unwritable_cache_costs_nothing_but_time(
    write_cards: WriteCards, tmp_path: Path
) -> None:
    cards = write_cards()
    (tmp_path / ".lmndeck-cache").write_text("a file where the cache would go")
    expected = deck_and_lock(cards, tmp_path / "deck.apkg")
    assert deck_and_lock(cards, tmp_path / "deck.apkg") == expected


def test_check_and_diff_use_the_cache_but_write_none(
    write_cards: WriteCards, tmp_path: Path
) -> None:
    cards = write_cards()
    for command in (["check", str(cards)], ["diff", str(cards)]):
        assert CliRunner().invoke(main, command).exit_code == 0
    assert not (tmp_path / ".lmndeck-cache").exists()


class _Payload:
    """A pickle that, when loaded, creates the file it names: what a hostile entry could do."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.path), "w"))


def test_an_entry_this_user_did_not_write_is_never_unpickled(
    write_cards: WriteCards, tmp_path: Path
) -> None:
    # A project can come with a .lmndeck-cache/ of someone else's (a zip, a careless commit):
    # unpickling runs code, so entries are read only when signed with this user's own key.
    cards = write_cards()
    out = tmp_path / "deck.apkg"
    expected = deck_and_lock(fresh_copy(cards, tmp_path / "clean"), tmp_path / "clean.apkg")
    build(cards, out, now=NOW)
    ran = tmp_path / "the payload ran"
    for entry in file_entries(cards):
        entry.write_bytes(pickle.dumps(("any key", _Payload(ran))))
    start_over(cards)
    out.unlink()
    assert deck_and_lock(cards, out) == expected
    assert not ran.exists()


def test_a_temporary_file_left_by_a_killed_build_is_removed_by_the_next_one(
    tmp_path: Path,
) -> None:
    """A build killed (SIGKILL) while it writes a cache entry leaves its temporary file; the
    next write of that entry deletes it, unless a live writer still holds it."""
    cards = tmp_path / "cards"
    write_cards(cards, 40, files=1)
    build(cards, tmp_path / "deck.apkg", now=NOW)
    (entry,) = (path for path in file_entries(cards) if path.name.endswith(".read.pickle"))
    stale = entry.with_name(f".{entry.name}.a1b2c3d4.tmp")
    stale.write_bytes(b"half an entry")
    edit_one_fact(cards, 1)
    build(cards, tmp_path / "deck.apkg", now=NOW + 1)
    assert not stale.exists()
    assert sorted(tmp_path.rglob("*.tmp")) == []


def test_a_lock_reading_would_refuse_is_not_marked_and_fails_alike_with_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should a build write a lock that reading refuses (here a note's time pushed past
    2**32 - 1, with the build's own refusal of that switched off), the next build must refuse
    it with the cache as it does without: such a lock is never marked as read before."""
    monkeypatch.setattr(pipeline, "refuse_times_past_the_last", lambda *_: None)
    cards = tmp_path / "a" / "cards"
    write_cards(cards, 40, files=1)
    build(cards, tmp_path / "a.apkg", now=NOW)
    lock = cards / "lmndeck.lock"
    lock.write_text(re.sub(r'"mod": \d+', '"mod": 4294967295', lock.read_text()))
    edit_one_fact(cards, 1)
    build(cards, tmp_path / "a.apkg", now=NOW)  # writes a time of 4294967296
    copy = fresh_copy(cards, tmp_path / "b")
    outputs = [
        CliRunner().invoke(main, ["build", str(directory), "-o", str(tmp_path / "c.apkg")])
        for directory in (cards, copy)
    ]
    assert [result.exit_code for result in outputs] == [1, 1]
    assert all("mod 4294967296 is out of range" in result.output for result in outputs)


def test_a_cards_directory_named_with_a_tab_builds_again(tmp_path: Path) -> None:
    """Files with no top deck in common take the deck's name from their directory's, and the
    lock its namespace: a tab in it made a lock that the next build refused."""
    cards = tmp_path / "ca\trds"
    cards.mkdir()
    (cards / "one.yaml").write_text(SAMPLE)
    (cards / "two.yaml").write_text(
        "deck: Other\nsources: {text: {title: T}}\nsource: text\n"
        'facts:\n  - {id: other, text: "{{Another}} fact."}\n'
    )
    for _ in range(2):
        (cards / "one.yaml").write_text((cards / "one.yaml").read_text() + "\n")
        result = CliRunner().invoke(main, ["build", str(cards), "-o", str(tmp_path / "d.apkg")])
        assert result.exit_code == 0, result.output
    assert '"namespace": "ca?rds"' in (cards / "lmndeck.lock").read_text()


def test_a_first_build_lists_the_cache_once_whatever_its_number_of_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Listing the cache folder for every entry written made a first build quadratic in its
    files (10,000 one-fact files: 84 s); the stale temporaries are looked for once per build."""
    cards = tmp_path / "cards"
    cards.mkdir()
    for number in range(40):
        text = f"deck: D\nsources: {{t: {{title: T}}}}\nsource: t\nfacts: [{{id: f{number}, text: '{{{{{number}}}}}'}}]\n"
        (cards / f"f{number:02d}.yaml").write_text(text, encoding="utf-8")
    listed: list[str] = []
    real_listdir = os.listdir

    def counted(path: str | os.PathLike[str] = ".") -> list[str]:
        if cache.CACHE_NAME in os.fspath(path):
            listed.append(os.fspath(path))
        return real_listdir(path)

    monkeypatch.setattr(os, "listdir", counted)
    result = CliRunner().invoke(main, ["build", str(cards), "-o", str(tmp_path / "deck.apkg")])
    assert result.exit_code == 0, result.output
    # each file read, in outline, rendered, packaged; the lock's mark and the lock whole
    assert len(file_entries(cards)) == 162
    assert len(listed) <= 2, listed  # files/ and builds/, once


def _swap_first_two_numbers(cards: Path) -> None:
    """Another branch's lock: a cloze note's first two deletions swapped numbers there."""
    lock = json.loads((cards / "lmndeck.lock").read_text(encoding="utf-8"))
    record = next(r for r in lock["notes"].values() if len(r.get("deletions", {})) >= 2)
    first, second = list(record["deletions"])[:2]
    numbers = record["deletions"]
    numbers[first], numbers[second] = numbers[second], numbers[first]
    record["mod"] += 7
    (cards / "lmndeck.lock").write_text(json.dumps(lock, indent=1), encoding="utf-8")


def _by_hand(edit: Callable[[dict[str, Any]], None]) -> Callable[[Path], None]:
    """The lock edited by hand with ``edit``, the last deck gone (with it, the lock reading
    would refuse a record that contradicts the deck)."""

    def change(cards: Path) -> None:
        lock = json.loads((cards / "lmndeck.lock").read_text(encoding="utf-8"))
        edit(lock)
        (cards / "lmndeck.lock").write_text(json.dumps(lock, indent=1), encoding="utf-8")
        (cards.parent.parent / f"{cards.parent.name}.apkg").unlink()

    return change


def _numbered(lock: dict[str, Any]) -> dict[str, Any]:
    return next(r for r in lock["notes"].values() if len(r.get("deletions", {})) >= 2)


def _swap_numbers(lock: dict[str, Any]) -> None:
    numbers = _numbered(lock)["deletions"]
    first, second = list(numbers)[:2]
    numbers[first], numbers[second] = numbers[second], numbers[first]


def _retire_a_number(lock: dict[str, Any]) -> None:
    _numbered(lock)["retired"] = {"a deletion since removed": 60_000}


def _swap_two_records(lock: dict[str, Any]) -> None:
    keys = sorted(key for key, r in lock["notes"].items() if r["kind"] == "cloze")[:2]
    notes = lock["notes"]
    notes[keys[0]], notes[keys[1]] = notes[keys[1]], notes[keys[0]]


def _another_guid(lock: dict[str, Any]) -> None:
    _numbered(lock)["guid"] = "lmnGUID001"


def _rename_the_namespace(lock: dict[str, Any]) -> None:
    lock["namespace"] = "Another namespace"


def _later_times(cards: Path) -> None:
    """Another branch's lock (a checkout): every note changed later there."""
    lock = json.loads((cards / "lmndeck.lock").read_text(encoding="utf-8"))
    for record in lock["notes"].values():
        record["mod"] += 7
    (cards / "lmndeck.lock").write_text(json.dumps(lock, indent=1), encoding="utf-8")


def _forget_one_note(cards: Path) -> None:
    lock = json.loads((cards / "lmndeck.lock").read_text(encoding="utf-8"))
    del lock["notes"][sorted(lock["notes"])[len(lock["notes"]) // 2]]
    (cards / "lmndeck.lock").write_text(json.dumps(lock, indent=1), encoding="utf-8")


def _a_file_before_the_others(cards: Path) -> None:
    """New-card positions start at each file's block: a file sorted first moves the others."""
    text = "deck: A\nsources: {t: {title: T}}\nsource: t\n"
    facts = "".join(f"  - {{id: first-{n}, text: 'the {{{{{n}}}}}'}}\n" for n in range(300))
    (cards / "aaa-first.yaml").write_text(text + "facts:\n" + facts, encoding="utf-8")


def _lock_lost(cards: Path) -> None:
    (cards / "lmndeck.lock").unlink()


@pytest.mark.parametrize(
    "change",
    [
        _swap_first_two_numbers,
        _by_hand(_swap_numbers),
        _by_hand(_retire_a_number),
        _by_hand(_swap_two_records),
        _by_hand(_another_guid),
        _by_hand(_rename_the_namespace),
        _later_times,
        _forget_one_note,
        _a_file_before_the_others,
        _lock_lost,
    ],
    ids=[
        *("numbers-merged", "numbers-by-hand", "retired-by-hand", "records-swapped", "guid"),
        *("namespace-by-hand", "later-times", "forgotten", "moved", "lock-lost"),
    ],
)
def test_a_file_is_taken_whole_from_the_last_build_only_as_this_build_would_make_it(
    tmp_path: Path, change: Callable[[Path], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The notes of an unchanged file come from the cache as the last build packaged them only
    while its lock records, tags and positions are as they were: a lock that git, a merge or a
    hand changed, or a file that moves the others, gives the deck and lock a build without
    the cache gives, byte for byte."""
    cards = tmp_path / "a" / "cards"
    write_cards(cards, 400, files=3)
    deck_and_lock(cards, tmp_path / "a.apkg")
    kept: list[bool] = []
    real = packaged.last_packaged

    def counted(*args: Any) -> Any:
        found = real(*args)
        kept.append(found is not None)
        return found

    monkeypatch.setattr(pipeline, "last_packaged", counted)
    edit_one_fact(cards, 1)
    deck_and_lock(cards, tmp_path / "a.apkg")
    assert kept.count(True) == 2 and kept.count(False) == 1  # all but the edited file
    copy = fresh_copy(cards, tmp_path / "b")
    shutil.copy(tmp_path / "a.apkg", tmp_path / "b.apkg")  # the same last deck, to recover from
    for directory in (cards, copy):
        change(directory)
    assert deck_and_lock(cards, tmp_path / "a.apkg") == deck_and_lock(copy, tmp_path / "b.apkg")


def test_an_entry_stored_in_pieces_loads_as_its_pieces(tmp_path: Path) -> None:
    """Each piece is pickled on its own (the pickler forgets a piece's objects after it), and
    the entry loads back as the pieces in order; an entry of one piece as its value."""
    cards = tmp_path / "cards"
    cards.mkdir()
    entry = cache.file_entry(cards, cards / "x.yaml", "test")
    shared = ("same", "strings", {"c1": 1})
    pieces = [shared, ("other", shared), (shared, shared)]
    cache.store_pieces(entry, "key", pieces)
    loaded = cache.load(entry, "key")
    assert isinstance(loaded, cache.Pieces) and list(loaded) == pieces
    cache.store_pieces(entry, "key", [shared])
    assert cache.load(entry, "key") == shared


@pytest.mark.parametrize(
    "columns",
    [
        None,
        ("ns", (), ("a", "b"), ((1,),) * 9),  # fewer records than keys is gone keys: no base
        ("ns", (), ("a",), ((1,),) * 8),  # a column missing
        ("ns", (), ("a",), ((1,),) * 8 + ((),)),  # a column short
        ("ns", (), (), ((1,),) * 9),  # more records than keys
        {"not": "columns"},
    ],
)
def test_a_lock_base_or_mark_of_another_shape_is_a_miss(columns: object) -> None:
    """Only a signed entry is read, but one of the wrong shape is a miss, never an exception
    or a lock with notes left out."""
    applied = lockfile._applied(None, columns)
    assert applied is None or (not applied.notes and columns is not None)
