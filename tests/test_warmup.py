"""A first build reads and renders its cards files on every core (lmndeck.warmup): the deck and
the lock are the same byte for byte as when one process does it all, whatever the children do."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from lmndeck import cache, fields, project, warmup
from lmndeck.pipeline import build

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from synth import write_cards

NOW = 1_700_000_000


@pytest.fixture(autouse=True)
def share_any_deck(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small decks are warmed too (they are not worth a process outside tests), on two cores
    (as CI has) whatever the machine."""
    monkeypatch.setattr(warmup, "WORTH_A_PROCESS", 0)
    monkeypatch.setattr(warmup, "_cores", lambda: 2)


def deck_and_lock(cards: Path, out: Path, now: int = NOW) -> tuple[bytes, bytes]:
    build(cards, out, now=now)
    return out.read_bytes(), (cards / "lmndeck.lock").read_bytes()


def field_texts(apkg: Path) -> str:
    connection = sqlite3.connect(":memory:")
    connection.deserialize(zipfile.ZipFile(apkg).read("collection.anki2"))
    return " ".join(row[0] for row in connection.execute("SELECT flds FROM notes"))


def one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(warmup, "_cores", lambda: 1)


def test_a_first_build_on_every_core_makes_the_same_deck(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cards = tmp_path / "a" / "cards"
    write_cards(cards, 400, files=5)
    copy = tmp_path / "b" / "cards"
    shutil.copytree(cards, copy)
    warmed = deck_and_lock(cards, tmp_path / "a.apkg")
    one_process(monkeypatch)
    assert deck_and_lock(copy, tmp_path / "b.apkg") == warmed


def test_warming_leaves_nothing_for_the_build_to_read_or_render(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cards = tmp_path / "cards"
    paths = write_cards(cards, 300, files=3)
    assert warmup.warm_cache(cards)
    for path in paths:
        assert cache.holds(
            cache.file_entry(cards, path), cache.file_key(path.name, path.read_bytes())
        )
    work: list[str] = []
    monkeypatch.setattr(project, "read_deck_file", lambda *args: work.append("read"))
    monkeypatch.setattr(fields, "_render", lambda *args: work.append("render"))
    build(cards, tmp_path / "deck.apkg", now=NOW)
    assert work == []
    assert not warmup.warm_cache(cards)  # nothing left to warm


def test_a_note_the_lock_numbers_otherwise_is_rendered_with_the_locks_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Children render notes with the numbers of new notes; a note whose first deletion was
    removed keeps number 2 for the other one, and its card must say {{c2::...}}."""
    cards = tmp_path / "a" / "cards"
    for name in ("one", "two"):
        facts = "".join(
            f"  - id: {name}-{n}\n    text: '{{{{Spasticity}}}} and {{{{clonus {n}}}}} go together'\n"
            f"    source: notes\n"
            for n in range(3)
        )
        text = f"deck: Warm::{name}\nsources:\n  notes:\n    title: Notes\nfacts:\n{facts}"
        (cards / f"{name}.yaml").parent.mkdir(parents=True, exist_ok=True)
        (cards / f"{name}.yaml").write_text(text, encoding="utf-8")
    build(cards, tmp_path / "a.apkg", now=NOW)
    edited = (cards / "one.yaml").read_text().replace("{{Spasticity}}", "Spasticity")
    (cards / "one.yaml").write_text(edited, encoding="utf-8")
    copy = tmp_path / "b" / "cards"
    shutil.copytree(cards, copy)
    shutil.rmtree(cache.cache_dir(cards))  # the next build reads every file again, warmed
    warmed = deck_and_lock(cards, tmp_path / "a.apkg", NOW + 1)
    assert "{{c2::clonus 0}}" in field_texts(tmp_path / "a.apkg")
    one_process(monkeypatch)
    assert deck_and_lock(copy, tmp_path / "b.apkg", NOW + 1) == warmed


def test_a_child_that_dies_costs_only_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cards = tmp_path / "a" / "cards"
    write_cards(cards, 300, files=4)
    copy = tmp_path / "b" / "cards"
    shutil.copytree(cards, copy)
    parent = os.getpid()
    warm = warmup._warm

    def dying(cards_dir: Path, path: Path) -> None:
        if os.getpid() != parent:
            os._exit(1)
        warm(cards_dir, path)

    monkeypatch.setattr(warmup, "_warm", dying)
    dead = deck_and_lock(cards, tmp_path / "a.apkg")
    one_process(monkeypatch)
    assert deck_and_lock(copy, tmp_path / "b.apkg") == dead


def test_shares_are_about_equal_in_size() -> None:
    files = [(size, Path(f"{size}.yaml")) for size in (9, 1, 5, 4, 3, 2)]
    shares = warmup._shares(files, 2)
    assert shares == [  # 12 bytes each
        [Path("9.yaml"), Path("3.yaml")],
        [Path("5.yaml"), Path("4.yaml"), Path("2.yaml"), Path("1.yaml")],
    ]
    assert warmup._shares(files[:1], 2) == [[Path("9.yaml")]]


@pytest.mark.skipif(warmup._cores() < 2, reason="one core: a build forks no child")
def test_a_killed_build_takes_its_children_with_it(tmp_path: Path) -> None:
    """SIGKILL leaves a process no time to clean up; its children must not go on writing the
    cache (and leaving temporary files) behind the next build's back."""
    paths = write_cards(tmp_path / "cards", 20_000, files=4)  # a child reads two of the files
    lmndeck = str(Path(sys.executable).with_name("lmndeck"))
    build_process = subprocess.Popen([lmndeck, "build"], cwd=tmp_path, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not _working_in(tmp_path, others_than=build_process.pid):  # the child has started
        assert time.monotonic() < deadline and build_process.poll() is None
        time.sleep(0.005)
    build_process.kill()
    build_process.wait()
    deadline = time.monotonic() + 30
    while _working_in(tmp_path):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    cards = tmp_path / "cards"
    (childs,) = warmup._shares([(path.stat().st_size, path) for path in paths], 2)[1:]
    cached = [
        cache.holds(cache.file_entry(cards, path), cache.file_key(path.name, path.read_bytes()))
        for path in childs
    ]
    assert not all(cached)  # the child stopped with its parent, before its files were done
    assert sorted(tmp_path.rglob("*.tmp")) == []


def _working_in(directory: Path, others_than: int = 0) -> list[int]:
    """Processes (but ``others_than``) whose working directory is ``directory``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == others_than:
            continue
        try:
            if Path(os.readlink(entry / "cwd")) == directory:
                found.append(int(entry.name))
        except OSError:  # gone, or not ours to look at
            continue
    return found
