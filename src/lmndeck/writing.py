"""Where the deck goes, and how a build writes its files: one build of a cards directory at a
time (a lock on the directory), every file whole or not at all (see ``package.write_in_order``),
Ctrl-C and SIGTERM held while they are renamed into place."""

from __future__ import annotations

import errno
import fcntl
import os
import re
import signal
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from lmndeck.formats import display_path
from lmndeck.lock import Lock, lock_path
from lmndeck.package import COLLECTION_ENTRIES, write_in_order
from lmndeck.problems import Code, ContentError, Problem, file_position
from lmndeck.project import CARD_SUFFIXES, Decks


def default_output(project: Decks, lock: Lock | None = None) -> Path:
    """``dist/<deck>.apkg`` in the project (the directory holding the cards directory), wherever
    lmndeck runs from. <deck> is the top deck of the first build, which the lock keeps (its
    namespace): the file keeps its name when the files' decks stop sharing a top deck (which
    would make it the cards directory's name) or the top deck is renamed."""
    deck = lock.namespace if lock and lock.namespace else project.top_deck
    name = re.sub(r"[^a-z0-9]+", "-", deck.casefold()).strip("-") or "deck"
    return _project_dir(project.root) / "dist" / f"{name}.apkg"


def _project_dir(cards_dir: Path) -> Path:
    """The directory holding the cards directory, as the user sees it (links not resolved)."""
    try:
        return Path(os.path.abspath(cards_dir)).parent
    except OSError:  # the working directory was deleted: writing will say so
        return cards_dir.parent


def holds(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


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
                    file_position(cards_dir, cards_dir),
                    f"cannot open the cards directory: {error.strerror}",
                    "pass the folder of cards files",
                    code=Code.UNREADABLE,
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
                file_position(target, cards_dir),
                problem,
                "write it outside the cards directory, e.g. -o dist/deck.apkg",
                code=Code.OUTPUT_IN_CARDS,
            )
        ]
    )


def refuse_replacing_another_file(target: Path, cards_dir: Path) -> None:
    """A deck named with -o replaces only a deck: ``-o notes.txt`` onto a file of the author's
    would be read as the last built deck and then overwritten. (A file named like a deck,
    ``*.apkg``, that is not one is a damaged deck, which recovery reports.)"""
    try:
        if target.suffix.casefold() == ".apkg" or not target.is_file() or _is_package(target):
            return
    except OSError:  # a name too long, say: writing it reports that
        return
    raise ContentError(
        [
            Problem(
                file_position(target, cards_dir),
                "this file is not an Anki deck: writing the deck would replace it",
                "choose another path with -o (decks end in .apkg), or delete the file",
                code=Code.OUTPUT_EXISTS,
            )
        ]
    )


def _is_package(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as package:
            return not set(package.namelist()).isdisjoint(COLLECTION_ENTRIES)
    except (OSError, zipfile.BadZipFile, ValueError):
        return False


def write_files(files: list[tuple[Path, bytes]], cards_dir: Path) -> None:
    try:
        write_in_order(files)
    except OSError as error:
        raise ContentError(
            [
                Problem(
                    file_position(Path(error.filename), cards_dir),
                    f"cannot write the file: {error.strerror}",
                    _WRITE_HINTS.get(error.errno or 0, "check the path and try again"),
                    code=Code.CANNOT_WRITE,
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
def signals_held() -> Iterator[None]:
    """Keep Ctrl-C and SIGTERM waiting until the block is done.

    An interrupted build then wrote everything or nothing (SIGKILL cannot wait: the order of
    the writes keeps that case safe).
    """
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)  # a waiting signal arrives now
