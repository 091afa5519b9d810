"""`lmndeck build --watch` as an author uses it: a real process, real saves, Ctrl-C."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from lmndeck.cli import main
from lmndeck.watch import is_cards_change

LMNDECK = str(Path(sys.executable).with_name("lmndeck"))
WAIT = 20.0  # seconds at most for any expected line; never a timing assertion

FACT = """\
deck: Watch
sources: {{t: {{title: T}}}}
source: t
facts:
  - id: reflex
    text: The {{{{knee jerk}}}} tests {segments}.
"""


class Watcher:
    """A running `lmndeck build --watch` whose output lines are collected as they come."""

    def __init__(self, project: Path, *options: str) -> None:
        self.process = subprocess.Popen(
            [LMNDECK, "build", "--watch", *options],
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str, after: int = 0) -> int:
        """The index of the first line from ``after`` on that contains ``text``."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            for index, line in enumerate(self.lines[after:], start=after):
                if text in line:
                    return index
            assert self.process.poll() is None, "\n".join(self.lines)
            time.sleep(0.05)
        raise AssertionError(f"no line with {text!r} in:\n" + "\n".join(self.lines))

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=WAIT)
        self._reader.join(timeout=WAIT)
        return code


@pytest.fixture
def watcher(tmp_path: Path) -> Iterator[Watcher]:
    cards = tmp_path / "cards"
    cards.mkdir()
    (cards / "a.yaml").write_text(FACT.format(segments="L3-L4"), encoding="utf-8")
    running = Watcher(tmp_path)
    yield running
    if running.process.poll() is None:
        running.process.kill()
        running.process.wait()


def test_watch_rebuilds_on_saves_survives_errors_and_stops_on_ctrl_c(
    watcher: Watcher, tmp_path: Path
) -> None:
    cards, deck = tmp_path / "cards", tmp_path / "dist" / "watch.apkg"
    start = watcher.wait_for("watching cards for changes")
    assert any(line.startswith("Built dist/watch.apkg") for line in watcher.lines)
    first = deck.read_bytes()

    (cards / "a.yaml").write_text(FACT.format(segments="L3 and L4"), encoding="utf-8")
    done = watcher.wait_for("rebuilt in", start)
    assert watcher.lines[done].endswith(" s: 1 note changed (a.yaml)")
    edited = deck.read_bytes()
    assert edited != first

    (cards / "a.yaml").write_text(FACT.format(segments="{{L3") + "  broken: [", encoding="utf-8")
    failed = watcher.wait_for("the deck was not rebuilt", done + 1)
    assert any("error[" in line for line in watcher.lines[done + 1 : failed])
    assert deck.read_bytes() == edited  # the last good deck stays
    assert watcher.process.poll() is None

    (cards / "a.yaml").write_text(FACT.format(segments="L4"), encoding="utf-8")
    fixed = watcher.wait_for("rebuilt in", failed)
    assert "1 note changed" in watcher.lines[fixed]
    assert deck.read_bytes() not in (first, edited)

    assert watcher.stop() == 130
    assert watcher.lines[-1] == "stopped watching"
    assert not any("Traceback" in line for line in watcher.lines)


def test_a_watch_in_the_latest_format_builds_what_a_fresh_clone_builds(tmp_path: Path) -> None:
    """Many builds in one process, in the latest package format, the unchanged file's notes
    taken whole from the cache each time: the deck is what a clone of the cards and the lock
    builds without any cache."""
    project, cards = tmp_path / "project", tmp_path / "project" / "cards"
    cards.mkdir(parents=True)
    (cards / "a.yaml").write_text(FACT.format(segments="L3-L4"), encoding="utf-8")
    other = FACT.replace("Watch", "Other").replace("id: reflex", "id: other")
    (cards / "b.yaml").write_text(other.format(segments="S1"), encoding="utf-8")
    watcher = Watcher(project, "--package-format", "latest")
    try:
        start = watcher.wait_for("watching cards for changes")
        for number, segments in enumerate(("L3 and L4", "L4", "L2-L4")):
            (cards / "a.yaml").write_text(FACT.format(segments=segments), encoding="utf-8")
            start = watcher.wait_for("rebuilt in", start + (number > 0))
        assert watcher.stop() == 130
    finally:
        if watcher.process.poll() is None:
            watcher.process.kill()
    clone = tmp_path / "clone"
    shutil.copytree(cards, clone / "cards")
    built = subprocess.run(
        [LMNDECK, "build", "--package-format", "latest"], cwd=clone, capture_output=True, text=True
    )
    assert built.returncode == 0, built.stderr
    (deck,) = (project / "dist").glob("*.apkg")
    with zipfile.ZipFile(deck) as package:
        assert "collection.anki21b" in package.namelist()
    assert deck.read_bytes() == (clone / "dist" / deck.name).read_bytes()


@pytest.mark.parametrize(
    ("name", "counts"),
    [
        ("a.yaml", True),
        ("figures/knee.png", True),
        ("lmndeck.lock", False),
        (".a.yaml.swp", False),
        (".lmndeck.lock.abcd1234.tmp", False),
        (".cache/x", False),
        ("a.yaml~", False),
        ("#a.yaml#", False),
        ("4913", False),
        ("deck.apkg", False),  # the -o file
    ],
)
def test_only_changes_to_the_cards_count(tmp_path: Path, name: str, counts: bool) -> None:
    cards = tmp_path / "cards"
    assert is_cards_change(cards / name, cards, cards / "deck.apkg") is counts


def test_watch_and_check_do_not_go_together() -> None:
    result = CliRunner().invoke(main, ["build", "--watch", "--check"])
    assert result.exit_code == 2
    assert "--check and --watch cannot be used together" in result.output


DRAFTS = FACT + "".join(
    f"  - id: draft-{number}\n    text: A {{{{{{{{draft}}}}}}}} fact {number}.\n    draft: true\n"
    for number in range(16)
)


def test_watch_counts_the_drafts_in_one_line_each_build(tmp_path: Path) -> None:
    cards = tmp_path / "cards"
    cards.mkdir()
    (cards / "a.yaml").write_text(DRAFTS.format(segments="L3-L4"), encoding="utf-8")
    running = Watcher(tmp_path)
    try:
        start = running.wait_for("watching cards for changes")
        (built,) = [line for line in running.lines if line.startswith("Built ")]
        assert built.endswith("; 16 drafts left out ('lmndeck check' lists them).")
        (cards / "a.yaml").write_text(DRAFTS.format(segments="L4"), encoding="utf-8")
        done = running.wait_for("rebuilt in", start)
        assert running.lines[done].endswith(
            " s: 1 note changed (a.yaml); 16 drafts left out ('lmndeck check' lists them)"
        )
        assert not any("warning[draft]" in line for line in running.lines)
    finally:
        running.process.kill()
        running.process.wait()
