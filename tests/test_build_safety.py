"""A build commits the lock before the deck, one build at a time, and survives kills, Ctrl-C,
SIGTERM, odd paths and odd SOURCE_DATE_EPOCH values without a traceback or a damaged deck.

The kill tests run `lmndeck build` as a real process and SIGKILL it; LMNDECK_KILLS raises their
number locally (default 30).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

from lmndeck import pipeline
from lmndeck.pipeline import TIME_LIMIT, build
from tests.anki_client import AnkiCollection
from tests.conftest import SAMPLE, WriteCards, start_over
from tests.test_cli import run

LMNDECK = str(Path(sys.executable).with_name("lmndeck"))
KILLS = int(os.environ.get("LMNDECK_KILLS", "30"))
DECK = Path("dist/neurology-demo.apkg")
BIG_DECK = Path("dist/big.apkg")
LOCK = Path("cards/lmndeck.lock")
WAITING = "waiting for another build of cards to finish..."


@pytest.fixture
def project(write_cards: WriteCards, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_cards()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def build_then_edit(project: Path) -> tuple[bytes, bytes]:
    """Build, edit a fact so that the next build changes both files; the files built."""
    assert run("build").exit_code == 0
    path = project / "cards" / "demo.yaml"
    path.write_text(path.read_text().replace("highly classical", "typical"))
    return (project / DECK).read_bytes(), (project / LOCK).read_bytes()


def lmndeck(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([LMNDECK, *args], cwd=cwd, capture_output=True, text=True, check=False)


def start(*args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [LMNDECK, *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def temporaries(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*.tmp"))


def write_big_cards(root: Path, version: int, facts: int = 2000) -> None:
    """``facts`` facts in four files; each version rewords every third fact and adds one."""
    cards = root / "cards"
    cards.mkdir(parents=True, exist_ok=True)
    per_file = facts // 4
    for part in range(4):
        lines = [f"deck: Big::Part {part}", "sources: {text: {title: Notes}}", "source: text"]
        lines.append("facts:")
        for number in range(per_file + (version if part == 0 else 0)):
            word = f"v{version}" if number % 3 == 0 else "same"
            lines += [
                f"  - id: f{part}-{number}",
                f"    text: Fact {number} ({word}) is {{{{answer {number}}}}} and {{{{more}}}}.",
            ]
        replace_file(cards / f"part{part}.yaml", "\n".join(lines) + "\n")


def replace_file(path: Path, text: str) -> None:
    """Swap a cards file in whole, so that a build running meanwhile reads old or new, not half."""
    path.with_suffix(".new").write_text(text, encoding="utf-8")
    path.with_suffix(".new").replace(path)


@contextmanager
def build_lock_held(cards: Path) -> Iterator[None]:
    """Hold the same lock a build takes, as another build would."""
    descriptor = os.open(cards, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def wait_until_waiting(process: subprocess.Popen[str]) -> None:
    assert process.stderr is not None
    assert process.stderr.readline().strip() == WAITING


# --- the order of the writes -------------------------------------------------------------


def test_the_lock_reaches_the_disk_before_the_deck(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stop the build at each rename, as a kill would: the deck is never ahead of the lock."""
    old = build_then_edit(project)
    renames: list[str] = []
    real_replace = os.replace

    def replace_until(limit: int | None) -> None:
        def replace(source: str, target: str) -> None:
            if len(renames) == limit:
                raise SystemExit("killed")
            renames.append(Path(target).name)
            real_replace(source, target)

        monkeypatch.setattr(os, "replace", replace)

    new_files = []
    for limit in (0, 1):
        renames.clear()
        (project / DECK).write_bytes(old[0])
        (project / LOCK).write_bytes(old[1])
        replace_until(limit)
        with pytest.raises(SystemExit):
            build(Path("cards"))
        new_files.append(
            [
                name
                for name, path, data in zip(("deck", "lock"), (DECK, LOCK), old, strict=True)
                if (project / path).read_bytes() != data
            ]
        )
        assert temporaries(project) == []
    assert new_files == [[], ["lock"]]
    renames.clear()
    (project / LOCK).write_bytes(old[1])
    replace_until(None)
    build(Path("cards"))
    assert renames == ["lmndeck.lock", DECK.name]


def test_a_killed_build_never_leaves_the_deck_ahead_of_the_lock(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workers = 2  # independent projects side by side: the same kills in half the time
    with ThreadPoolExecutor(workers) as pool:
        runs = list(
            pool.map(
                _kill_builds,
                [tmp_path / f"p{n}" for n in range(workers)],
                [KILLS // workers + KILLS % workers, KILLS // workers],
            )
        )
    outcomes = sum((outcome for outcome, _ in runs), Counter[str]())
    with capsys.disabled():
        print(
            f"\n{outcomes.total()} kills survived ({dict(outcomes)}); "
            f"{sum(left for _, left in runs)} temporary file(s) left by kills, all removed by the next build"
        )


def _kill_builds(root: Path, kills: int) -> tuple[Counter[str], int]:
    """SIGKILL builds of 2,000 facts at many moments; check the files after each."""
    write_big_cards(root, 0)
    assert lmndeck("build", cwd=root).returncode == 0
    duration = _timed_build(root, 1)
    outcomes: Counter[str] = Counter()
    left_behind = 0
    # Every other kill follows a staircase that settles on the moment the files are written
    # (a step later after a kill before it, earlier after one past it); the others are spread
    # over the whole build.
    writing_at = 0.9 * duration
    for kill in range(kills):
        old = (root / BIG_DECK).read_bytes(), (root / LOCK).read_bytes()
        write_big_cards(root, kill + 2)
        delay = writing_at if kill % 2 else duration * (0.1 + kill / kills)
        process = start("build", cwd=root)
        time.sleep(delay)
        process.kill()
        process.communicate()
        deck, lock = (root / BIG_DECK).read_bytes(), (root / LOCK).read_bytes()
        left_behind += len(temporaries(root))
        finished = lmndeck("build", cwd=root)
        assert finished.returncode == 0, finished.stderr
        assert temporaries(root) == []
        new = (root / BIG_DECK).read_bytes(), (root / LOCK).read_bytes()
        assert deck in (old[0], new[0])
        assert lock in (old[1], new[1])
        assert not (deck == new[0] and lock == old[1]), f"deck ahead of the lock at {delay:.2f}s"
        outcomes[_STATES[deck == new[0], lock == new[1]]] += 1
        if kill % 2:
            writing_at += 0.005 if deck == old[0] else -0.005
    return outcomes, left_behind


_STATES = {(False, False): "old files", (False, True): "new lock only", (True, True): "new files"}


def _timed_build(root: Path, version: int, facts: int = 2000) -> float:
    write_big_cards(root, version, facts)
    began = time.monotonic()
    assert lmndeck("build", cwd=root).returncode == 0
    return time.monotonic() - began


# --- one build at a time -----------------------------------------------------------------


def test_a_second_build_waits_for_the_first_and_says_so_once(project: Path) -> None:
    before = build_then_edit(project)
    with build_lock_held(project / "cards"):
        process = start("build", cwd=project)
        wait_until_waiting(process)
        time.sleep(0.2)
        assert process.poll() is None
        assert ((project / DECK).read_bytes(), (project / LOCK).read_bytes()) == before
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert stderr == ""  # the waiting line was read above; said once
    assert "1 changed" in stdout
    assert lmndeck("build", "--check", cwd=project).returncode == 0


def test_concurrent_builds_of_different_edits_serialise(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_big_cards(tmp_path, 0, facts=600)
    assert lmndeck("build", cwd=tmp_path).returncode == 0
    rounds, waited = 4, 0
    for round_ in range(rounds):
        write_big_cards(tmp_path, 2 * round_ + 1, facts=600)
        first = start("build", cwd=tmp_path)
        write_big_cards(tmp_path, 2 * round_ + 2, facts=600)
        second = start("build", cwd=tmp_path)
        for process in (first, second):
            _, stderr = process.communicate(timeout=60)
            assert process.returncode == 0, stderr
            assert "Traceback" not in stderr
            waited += stderr.count(WAITING)
        assert temporaries(tmp_path) == []
        # The last build read the last edit, and the deck on disk is the one its lock makes.
        check = lmndeck("build", "--check", cwd=tmp_path)
        assert check.returncode == 0, check.stderr
        notes = json.loads((tmp_path / LOCK).read_text())["notes"]
        assert f"fact/f0-{150 + 2 * round_ + 1}" in notes
        assert len({record["id"] for record in notes.values()}) == len(notes)
    # whether the two overlapped is up to the scheduler; waiting itself is tested above
    with capsys.disabled():
        print(f"\n{rounds} rounds of two concurrent builds: {waited} waited, all consistent")


def test_check_and_diff_do_not_wait_for_a_build(project: Path) -> None:
    run("build")
    with build_lock_held(project / "cards"):
        assert lmndeck("check", cwd=project).returncode == 0
        assert lmndeck("diff", cwd=project).returncode == 0
        assert lmndeck("build", "--check", cwd=project).returncode == 0


# --- Ctrl-C and SIGTERM ------------------------------------------------------------------


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupt_prints_one_line_and_exits_130(project: Path, signum: int) -> None:
    before = build_then_edit(project)
    with build_lock_held(project / "cards"):
        process = start("build", cwd=project)
        wait_until_waiting(process)
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 130
    assert (stdout, stderr) == ("", "interrupted; nothing was written\n")
    assert ((project / DECK).read_bytes(), (project / LOCK).read_bytes()) == before
    assert temporaries(project) == []


def test_interrupts_at_any_moment_write_all_or_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH")  # each version is built at its own time
    write_big_cards(tmp_path, 0, facts=800)
    assert lmndeck("build", cwd=tmp_path).returncode == 0
    duration = _timed_build(tmp_path, 1, facts=800)
    outcomes: Counter[str] = Counter()
    for attempt in range(8):
        old = (tmp_path / BIG_DECK).read_bytes(), (tmp_path / LOCK).read_bytes()
        write_big_cards(tmp_path, attempt + 2, facts=800)
        with build_lock_held(tmp_path / "cards"):
            process = start("build", cwd=tmp_path)
            wait_until_waiting(process)  # its handlers are in place; now let it run
        time.sleep(duration * attempt / 6)
        process.send_signal(signal.SIGINT if attempt % 2 else signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=60)
        new = (tmp_path / BIG_DECK).read_bytes(), (tmp_path / LOCK).read_bytes()
        assert temporaries(tmp_path) == []
        if stdout:  # finished first; a signal while Python shuts down ends it quietly
            assert process.returncode in (0, 130, -signal.SIGINT, -signal.SIGTERM)
            assert stderr in ("", "interrupted after the deck and the lock file were written\n")
            assert stdout.startswith("Built dist/big.apkg")
            assert new != old
            outcomes["finished"] += 1
            continue
        assert process.returncode == 130, stderr
        assert stderr in (
            "interrupted; nothing was written\n",
            "interrupted after the deck and the lock file were written\n",
        )
        assert (new == old) == (stderr == "interrupted; nothing was written\n")
        outcomes[stderr] += 1
    assert outcomes["interrupted; nothing was written\n"] >= 1


def test_stale_temporaries_of_a_killed_build_are_removed(project: Path) -> None:
    run("build")
    stale = [
        project / "dist" / ".neurology-demo.apkg.abcd_123.tmp",
        project / "cards" / ".lmndeck.lock.x1y2z3w4.tmp",
    ]
    for path in stale:
        path.write_bytes(b"half a file")
    in_use = project / "dist" / ".neurology-demo.apkg.inuse123.tmp"
    other = project / "dist" / ".other.apkg.abcd_123.tmp"
    other.write_bytes(b"")
    with open(in_use, "wb") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # a writer still at work
        path = project / "cards" / "demo.yaml"
        path.write_text(path.read_text().replace("highly classical", "typical"))
        assert run("build").exit_code == 0
        assert temporaries(project) == sorted([in_use, other])


# --- where the deck may go ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ("cards/lmndeck.lock", "the deck would overwrite the lock file of 'cards'"),
        ("cards/demo.yaml", "the deck would replace a cards file of 'cards'"),
        ("cards/sub/new.YML", "the deck would replace a cards file of 'cards'"),
        ("cards/deck.apkg", "the deck would be written inside the cards directory 'cards'"),
        ("link-to-lock", "the deck would overwrite the lock file of 'cards'"),
    ],
)
def test_output_into_the_cards_directory_is_refused(
    project: Path, output: str, message: str
) -> None:
    run("build")
    before = {path: path.read_bytes() for path in (project / "cards").iterdir()}
    (project / "link-to-lock").symlink_to(project / LOCK)
    result = run("build", "-o", output)
    assert result.exit_code == 1
    assert f"{output}:1:1: error[output-in-cards]: {message}" in result.output
    assert "hint: write it outside the cards directory" in result.output
    assert {path: path.read_bytes() for path in (project / "cards").iterdir()} == before


def test_building_from_inside_the_cards_directory_still_works(project: Path) -> None:
    os.chdir(project / "cards")
    result = run("build", ".")
    assert result.exit_code == 0, result.output
    assert "the deck would" in run("build", ".", "-o", "lmndeck.lock").output


# --- odd paths ---------------------------------------------------------------------------


def test_output_names_up_to_255_bytes_work_and_longer_ones_name_the_path(project: Path) -> None:
    longest = "é" * 124 + "ab.apkg"
    assert len(longest.encode()) == 255
    assert run("build", "-o", longest).exit_code == 0
    assert (project / longest).is_file()
    too_long = "a" * 251 + ".apkg"
    result = run("build", "-o", too_long)
    assert result.exit_code == 1
    assert (
        f"{too_long}:1:1: error[cannot-write]: cannot write the file: File name too long"
        in result.output
    )
    assert "hint: use a shorter name" in result.output
    assert temporaries(project) == []


@pytest.mark.parametrize(
    ("output", "hint"),
    [
        ("blocker/deck.apkg", "a file stands where a folder of this path should be"),
        ("blocker/sub/deck.apkg", "a file stands where a folder of this path should be"),
        ("d/" * 2100 + "deck.apkg", "use a shorter name"),
        (str(DECK), "a folder has this name"),
    ],
)
def test_output_that_cannot_be_written_names_the_path_typed(
    project: Path, output: str, hint: str
) -> None:
    (project / "blocker").write_text("a file where a folder should be")
    (project / DECK).mkdir(parents=True)
    result = run("build", *(["-o", output] if output != str(DECK) else []))
    assert result.exit_code == 1
    assert result.output.startswith(f"{output}:1:1: error[cannot-write]: cannot write the file: ")
    assert f"hint: {hint}" in result.output
    assert ".tmp" not in result.output
    assert not (project / LOCK).exists()  # the lock is not written when the deck cannot be
    assert temporaries(project) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_output_into_a_read_only_folder_names_the_path(project: Path) -> None:
    (project / "locked").mkdir(mode=0o555)
    result = run("build", "-o", "locked/deck.apkg")
    assert result.exit_code == 1
    assert (
        "locked/deck.apkg:1:1: error[cannot-write]: cannot write the file: Permission denied"
        in result.output
    )


def test_a_deleted_working_directory_gives_messages_not_tracebacks(project: Path) -> None:
    cards = project / "cards"
    script = 'mkdir gone && cd gone && rmdir ../gone && exec "$0" "$@"'
    results = [
        subprocess.run(
            ["sh", "-c", script, LMNDECK, *args],
            cwd=project,
            capture_output=True,
            text=True,
            check=False,
        )
        for args in (["build", str(cards)], ["build"], ["check", str(cards)], ["diff", str(cards)])
    ]
    # The deck goes beside the cards directory, not into the working directory that is gone.
    assert [result.returncode for result in results] == [0, 1, 0, 0]
    assert (project / "dist" / "neurology-demo.apkg").is_file()
    assert results[1].stderr.startswith(
        "cards:1:1: error[unreadable]: cannot open the cards directory"
    )
    assert all("Traceback" not in result.stderr for result in results)


def test_names_that_are_not_utf8_are_printed_escaped(tmp_path: Path) -> None:
    cards = tmp_path / os.fsdecode(b"\xffcards")
    cards.mkdir()
    (cards / os.fsdecode(b"\xfedemo.yaml")).write_text(SAMPLE)
    built = subprocess.run(
        [LMNDECK, "build", os.fsdecode(b"\xffcards"), "-o", os.fsdecode(b"\xfd.apkg")],
        cwd=tmp_path,
        capture_output=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith(b"Built \\xfd.apkg: 6 notes")
    (cards / os.fsdecode(b"\xfedemo.yaml")).write_text(SAMPLE + "deck: [\n")
    failed = subprocess.run(
        [LMNDECK, "build", os.fsdecode(b"\xffcards")],
        cwd=tmp_path,
        capture_output=True,
        check=False,
    )
    assert failed.returncode == 1
    assert failed.stderr.startswith(b"\\xffcards/\\xfedemo.yaml:")
    assert b"Traceback" not in failed.stderr


def test_a_cards_directory_deeper_than_the_path_limit_is_an_error(project: Path) -> None:
    deep = "cards/" + "d/" * 2100
    result = run("build", deep)
    assert result.exit_code == 1
    assert "cannot open the cards directory: File name too long" in result.output


# --- SOURCE_DATE_EPOCH -------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["abc", "-1", "0", "1.5", "1e9", "\uff11\uff12\uff13", "4102444800", "9" * 5000, "12 34"],
)
def test_an_unusable_source_date_epoch_is_a_clear_error(
    project: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    for command in (["build"], ["diff"]):
        result = run(*command)
        assert result.exit_code == 1
        assert result.output.startswith(
            f"lmndeck: error[invalid-build-time]: SOURCE_DATE_EPOCH={value!r} is not a build time"
        )
        assert "hint: set it to whole seconds since 1970-01-01 UTC, from 1 to 4102444799" in (
            result.output
        )
    assert not (project / "dist").exists()
    assert not (project / LOCK).exists()


@pytest.mark.parametrize("value", ["1", " 1767225600\n", "4102444799", ""])
def test_usable_source_date_epochs_build(
    project: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    assert run("build").exit_code == 0


def test_anki_keeps_note_times_up_to_the_limit_but_not_from_2_to_the_32(
    write_cards: WriteCards, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Why builds stop at 2100, and refuse a lock that leaves a changed note no later time:
    Anki stores a note's time in 32 bits (shown with that refusal switched off)."""
    monkeypatch.setattr(pipeline, "refuse_times_past_the_last", lambda *_: None)
    cards = write_cards()
    for now, kept in ((TIME_LIMIT - 1, True), (2**32, False)):
        apkg = tmp_path / f"{now}.apkg"
        shutil.rmtree(tmp_path / "anki", ignore_errors=True)
        start_over(cards)
        build(cards, apkg, now=now)
        collection = AnkiCollection(tmp_path / "anki" / "collection.anki2")
        try:
            collection.import_package(apkg)
            mods = {note.mod for note in collection.notes().values()}
        finally:
            collection.close()
        assert (mods == {now}) is kept


def test_an_earlier_source_date_epoch_still_updates_notes_and_note_types(
    project: Path, monkeypatch: pytest.MonkeyPatch, collection: AnkiCollection
) -> None:
    """A clock set back must not stop Anki from taking a change: times only move forward."""
    later, earlier = 1767225600, 1000000000  # the fixture's time, and one from 2001
    path = project / "cards" / "demo.yaml"
    extra = "  - id: extra\n    text: An {{extra}} fact.\n    source: text\n"
    path.write_text(SAMPLE.replace("comparisons:", extra + "comparisons:"))
    assert run("build").exit_code == 0
    assert collection.import_package(project / DECK).new == 7
    # Edit a fact, remove another and let the note types change, with the clock set back.
    path.write_text(SAMPLE.replace("highly classical", "typical"))
    lock = json.loads((project / LOCK).read_text())
    for record in lock["note_types"].values():
        record["hash"] = "the hash of older templates"
    (project / LOCK).write_text(json.dumps(lock))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(earlier))
    result = run("build")
    assert result.exit_code == 0, result.output
    assert "1 changed, 1 removed" in result.output
    lock = json.loads((project / LOCK).read_text())
    assert lock["notes"]["fact/fasciculations"]["mod"] == later + 1
    assert lock["notes"]["fact/extra"]["mod"] == later + 1
    assert {record["mod"] for record in lock["note_types"].values()} == {later + 1}
    log = collection.import_package(project / DECK)
    assert log.updated == 2  # the edited fact and the removed one
    assert any("typical" in card.question for card in collection.cards())
    assert len(collection.notes("tag:lmndeck::removed")) == 1
    assert collection.note_type("lmndeck cloze")["mod"] == later + 1
