"""Before a build: the cards files the cache lacks are read, checked and rendered on every core
at once, into the cache, where the build then finds them (a first build of a large deck, or
the first after an upgrade of lmndeck, which keys the cache by its version).

Reading a file and rendering its notes depend on that file alone, and are most of a first
build's time. Each child process takes a share of the files, by size, and stores what it makes
with ``cache.store``, as a build would, while this process waits. Nothing is handed over
but through the cache, whose entries are checked when loaded: a child that fails or is killed
only leaves its files to be read again by the build, and the deck is the same byte for byte.
The fields are rendered with the numbers of new notes (``fields.first_fields``); a note the lock
numbers otherwise is rendered again by the build.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
from pathlib import Path

from lmndeck import cache
from lmndeck.fields import fields_entry, first_fields
from lmndeck.problems import ContentError, place
from lmndeck.project import Progress, find_card_files, read_cards_file

# Below this many bytes of files to read, a child process costs more than it saves: a cards
# file is read at about 4 MB a second, and a child starts in a few milliseconds.
WORTH_A_PROCESS = 256 * 1024


def warm_cache(cards_dir: Path, progress: Progress | None = None) -> bool:
    """Read and render the files of ``cards_dir`` that the cache lacks, on every core, into the
    cache; ``progress`` is told of the files read as each child is done. False when nothing was done:
    too little to share, a single core, or a cache that cannot be written. Temporary files
    that killed builds left in the cache are deleted first."""
    cache.tidy(cards_dir)
    if not _can_fork() or not cache.writable():
        return False
    try:
        paths, _ = find_card_files(cards_dir)
        missing = [(path.stat().st_size, path) for path in paths if not _cached(cards_dir, path)]
    except (ContentError, OSError):  # the build reports it
        return False
    shares = _shares(missing, min(_cores(), len(missing)))
    if len(shares) < 2 or sum(size for size, _ in missing) < WORTH_A_PROCESS:
        return False
    # Every share goes to a child, none to this process: the memory a share's reading takes
    # would stay with it (Python keeps what it freed), and the build's peak grow by as much.
    children = {_fork(cards_dir, share): len(share) for share in shares}
    done = 0
    try:
        for child, files in list(children.items()):
            os.waitpid(child, 0)
            del children[child]
            done += files
            if progress:
                progress(done, len(missing))
    except BaseException:  # Ctrl-C: the children's work is no longer wanted
        for child in children:
            os.kill(child, signal.SIGTERM)
        for child in children:
            os.waitpid(child, 0)
        raise
    return True


def _cached(cards_dir: Path, path: Path) -> bool:
    key = cache.file_key(place(path, cards_dir), path.read_bytes())
    return cache.holds(cache.file_entry(cards_dir, path), key)


def _warm(cards_dir: Path, path: Path) -> None:
    try:
        read, key = read_cards_file(cards_dir, path, place(path, cards_dir), remember=True)
    except (ContentError, OSError):  # the build reads it again and reports it
        return
    if read.deck_file is not None:
        cache.store(fields_entry(cards_dir, read.deck_file.path), key, first_fields(read.deck_file))


def _fork(cards_dir: Path, share: list[Path]) -> int:
    """A child process that warms the cache for ``share`` and exits; its process id."""
    parent = os.getpid()
    child = os.fork()
    if child:
        return child
    status = 1
    try:
        _stop_with(parent)
        for path in share:
            _warm(cards_dir, path)
        status = 0
    finally:
        # At once: no atexit handlers, no flushing of output buffers the parent owns too.
        os._exit(status)


def _stop_with(parent: int) -> None:
    """Stop this child when its parent dies (a build killed, even by SIGKILL): asked to stop,
    it stops at once, and the cache entry it was writing leaves no temporary file behind."""
    signal.signal(signal.SIGTERM, _stop)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # it died before that: nobody wants this work any more
        raise SystemExit(1)


def _stop(signal_number: int, frame: object) -> None:
    raise SystemExit(1)


_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _shares(files: list[tuple[int, Path]], count: int) -> list[list[Path]]:
    """``files`` (size, path) in ``count`` shares of about equal size, largest files first;
    empty shares left out."""
    shares: list[tuple[int, list[Path]]] = [(0, []) for _ in range(count)]
    for size, path in sorted(files, key=lambda file: -file[0]):
        lightest = min(range(count), key=lambda index: shares[index][0])
        total, paths = shares[lightest]
        shares[lightest] = (total + size, [*paths, path])
    return [paths for _, paths in shares if paths]


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1


def _can_fork() -> bool:
    """Linux only (forking is unsafe with macOS's system libraries), and only while this
    process runs one thread: a child would inherit locks other threads hold."""
    return sys.platform.startswith("linux") and threading.active_count() == 1
