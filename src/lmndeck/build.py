"""The whole pipeline: cards directory in, .apkg and lock file out."""

from __future__ import annotations

import errno
import fcntl
import os
import re
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from lmndeck.expand import expand
from lmndeck.lock import dumps_lock, lock_path
from lmndeck.notetypes import NoteKind
from lmndeck.package import PackageContents, package_bytes, write_in_order
from lmndeck.problems import ContentError, Position, Problem
from lmndeck.project import CARD_SUFFIXES, Progress, Project, display_path, load_project
from lmndeck.reconcile import Changes, reconcile
from lmndeck.recover import previous_lock


@dataclass(frozen=True)
class Plan:
    """Everything a build would write, computed without writing anything."""

    project: Project
    contents: PackageContents
    lock_text: str
    lock_changed: bool
    changes: Changes
    notices: tuple[str, ...] = ()  # how the lock was recovered or merged, for the user

    def cards(self, kind: NoteKind) -> int:
        return sum(
            len(note.ords) for note in self.contents.notes if note.kind is kind and not note.removed
        )

    @property
    def live_notes(self) -> int:
        return sum(1 for note in self.contents.notes if not note.removed)


SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"
# Anki keeps a note's modification time in 32 bits: a package note with mod 2**32 arrives with
# mod 0 and is never updated again (measured with Anki's backend). Builds stop at 2100, which
# leaves decades of the one-second steps that reconcile adds to a changed note's time.
TIME_LIMIT = 4102444800  # 2100-01-01T00:00:00Z, exclusive


def current_time() -> int:
    """Now, or SOURCE_DATE_EPOCH when set (the reproducible-builds convention)."""
    value = os.environ.get(SOURCE_DATE_EPOCH, "")
    if not value.strip():
        return int(time.time())
    digits = value.strip()
    if re.fullmatch(r"[0-9]{1,10}", digits) and 0 < int(digits) < TIME_LIMIT:
        return int(digits)
    raise ContentError(
        [
            Problem(
                Position(SOURCE_DATE_EPOCH, 1, 1),
                f"{SOURCE_DATE_EPOCH}={value!r} is not a build time lmndeck can use",
                f"set it to whole seconds since 1970-01-01 UTC, from 1 to {TIME_LIMIT - 1} "
                f"(before 2100), e.g. {SOURCE_DATE_EPOCH}=$(git log -1 --format=%ct), "
                "or unset it to use the current time",
            )
        ]
    )


def plan(
    cards_dir: Path,
    now: int | None = None,
    progress: Progress | None = None,
    output: Path | None = None,
) -> Plan:
    """``output`` is where the last deck was built (default: dist/<deck>.apkg): a lock file that
    is missing or lacks notes is recovered from it."""
    project = load_project(cards_dir, progress)
    path = lock_path(cards_dir)
    planned = expand(project)
    previous = previous_lock(path, output or default_output(project), project, planned)
    when = current_time() if now is None else now
    notes, lock, changes = reconcile(planned, previous.lock, when, project.top_deck)
    mods = {NoteKind(kind): record.mod for kind, record in lock.note_types.items()}
    lock_text = dumps_lock(lock)
    old_text = path.read_bytes() if path.exists() else None
    return Plan(
        project,
        PackageContents(tuple(notes), mods, lock_text),
        lock_text,
        lock_text.encode("utf-8") != old_text,
        changes,
        tuple(previous.notices),
    )


def default_output(project: Project) -> Path:
    name = re.sub(r"[^a-z0-9]+", "-", project.top_deck.casefold()).strip("-") or "deck"
    return Path("dist") / f"{name}.apkg"


def build(
    cards_dir: Path,
    output: Path | None = None,
    now: int | None = None,
    progress: Progress | None = None,
    on_wait: Callable[[], None] | None = None,
    on_written: Callable[[], None] | None = None,
) -> tuple[Plan, Path]:
    """Build the deck and save the lock; the previous deck stays whole if anything fails.

    One build of a cards directory runs at a time: a second one calls ``on_wait`` once and
    waits for the first to finish, then reads the lock file that one wrote. Ctrl-C and SIGTERM
    wait while the files are written, and ``on_written`` is called before they can arrive: a
    KeyboardInterrupt raised after it came once the deck and the lock file were written.
    """
    with build_lock(cards_dir, on_wait):
        result = plan(cards_dir, now, progress, output)
        target = output or default_output(result.project)
        refuse_output_in_cards_dir(cards_dir, target)
        deck = package_bytes(result.contents)
        # The lock first: a deck on disk must never be newer than the lock on disk, or the
        # next build would give its numbers to other deletions. A newer lock beside an older
        # deck is harmless: the lock only ever adds numbers, and the next build writes the deck.
        writes = [(target, deck)]
        if result.lock_changed:
            writes.insert(0, (lock_path(cards_dir), result.lock_text.encode("utf-8")))
        with _signals_held():
            _write(writes)
            if on_written:
                on_written()
    return result, target


@contextmanager
def build_lock(cards_dir: Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold an exclusive lock on the cards directory itself (no lock file to leave behind).

    The kernel drops it when the process ends, however it ends, so a killed build never
    blocks the next one.
    """
    try:
        descriptor = os.open(cards_dir, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as error:
        raise ContentError(
            [
                Problem(
                    Position(display_path(cards_dir), 1, 1),
                    f"cannot open the cards directory: {error.strerror}",
                    "pass the folder of cards files",
                )
            ]
        ) from None
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait:
                on_wait()
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def refuse_output_in_cards_dir(cards_dir: Path, target: Path) -> None:
    """The deck may not replace the lock file or a cards file, nor clutter the cards directory.

    With the cards directory as the working directory (``lmndeck build .``) the default
    ``dist/`` lies inside it, so there only the lock file and cards files are refused.
    """
    try:
        cards, deck, here = cards_dir.resolve(), target.resolve(), Path.cwd().resolve()
    except (OSError, RuntimeError):  # a deleted working directory: nothing is inside it
        return
    if not deck.is_relative_to(cards):
        return
    shown = display_path(cards_dir)
    if deck == lock_path(cards):
        problem = f"the deck would overwrite the lock file of '{shown}'"
    elif deck.suffix.casefold() in CARD_SUFFIXES:
        problem = f"the deck would replace a cards file of '{shown}' (or be read as one)"
    elif not here.is_relative_to(cards):
        problem = f"the deck would be written inside the cards directory '{shown}'"
    else:
        return
    raise ContentError(
        [
            Problem(
                Position(display_path(target), 1, 1),
                problem,
                "write it outside the cards directory, e.g. -o dist/deck.apkg",
            )
        ]
    )


def _write(files: list[tuple[Path, bytes]]) -> None:
    try:
        write_in_order(files)
    except OSError as error:
        raise ContentError(
            [
                Problem(
                    Position(display_path(Path(error.filename)), 1, 1),
                    f"cannot write the file: {error.strerror}",
                    _WRITE_HINTS.get(error.errno or 0, "check the path and try again"),
                )
            ]
        ) from None


_WRITE_HINTS = {
    errno.ENAMETOOLONG: "use a shorter name: at most 255 bytes per name, 4096 in all",
    errno.EACCES: "choose a folder you may write to",
    errno.EPERM: "choose a folder you may write to",
    errno.EROFS: "choose a folder on a disk that is not read-only",
    errno.ENOSPC: "free some disk space",
    errno.ENOTDIR: "a file stands where a folder of this path should be",
    errno.EEXIST: "a file stands where a folder of this path should be",
    errno.EISDIR: "a folder has this name; name the deck file itself, e.g. -o dist/deck.apkg",
    errno.ENOENT: "a folder of this path is missing and cannot be created here (was the "
    "working directory deleted?)",
}


@contextmanager
def _signals_held() -> Iterator[None]:
    """Keep Ctrl-C and SIGTERM waiting until the block is done.

    An interrupted build then wrote everything or nothing (SIGKILL cannot wait: the order of
    the writes keeps that case safe).
    """
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)  # a waiting signal arrives now


def check_build(cards_dir: Path, output: Path | None = None) -> tuple[Plan, Path]:
    """Fail unless the lock and the deck at ``output`` are what a build would write now."""
    result = plan(cards_dir, output=output)
    target = output or default_output(result.project)
    problems = []
    if result.lock_changed:
        problems.append(
            Problem(
                Position(display_path(lock_path(cards_dir)), 1, 1),
                "the lock file is out of date with the cards files",
                "run 'lmndeck build' and commit the lock file and the deck"
                + "".join(f"\n  note: {notice}" for notice in result.notices),
            )
        )
    elif not target.exists() or target.read_bytes() != package_bytes(result.contents):
        problems.append(
            Problem(
                Position(display_path(target), 1, 1),
                "the deck is not what the cards files build",
                "run 'lmndeck build' and commit the deck",
            )
        )
    if problems:
        raise ContentError(problems)
    return result, target
