"""`lmndeck build --watch`: build, then build again after every save in the cards directory.

Each rebuild is an ordinary build (so a failed one leaves the previous deck and lock as they
are), run once per burst of changes: editors write a file in several steps, and watchfiles
gathers the events of a short quiet period into one batch. lmndeck's own writes (the lock
file, the temporaries beside it) and editors' scratch files are not changes to the cards.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lmndeck.latest import PackageFormat
from lmndeck.lock import LOCK_NAME
from lmndeck.pipeline import Plan, UpToDate, build
from lmndeck.problems import ContentError, Problem
from lmndeck.project import CARD_SUFFIXES

# How long the cards must stay unchanged before a rebuild: long enough for an editor's
# write-rename-chmod of one save, short enough to feel immediate.
DEBOUNCE_MS = 200
_SCRATCH_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".bak", ".orig")
_SCRATCH_NAMES = frozenset({"4913"})  # vim's probe that a directory is writable


@dataclass(frozen=True)
class Rebuild:
    """One build of the watch: what it built, or why it could not."""

    seconds: float
    plan: Plan | UpToDate | None = None
    target: Path | None = None
    problems: list[Problem] = field(default_factory=list)
    changed: tuple[str, ...] = ()  # the files whose change started it, relative to the cards


def watch(
    cards_dir: Path,
    output: Path | None,
    on_build: Callable[[Rebuild], None],
    package_format: PackageFormat = "legacy",
) -> None:
    """Build now and after every change (each in ``package_format``), calling ``on_build``
    each time; returns never, ends with KeyboardInterrupt (Ctrl-C, or SIGTERM turned into one
    by the caller)."""
    # Imported here: only a watch needs the file-system watcher.
    from watchfiles import watch as changes_of

    on_build(_build(cards_dir, output, (), package_format))
    batches = changes_of(
        cards_dir,
        watch_filter=lambda _, path: is_cards_change(Path(path), cards_dir, output),
        debounce=DEBOUNCE_MS,
        raise_interrupt=True,
    )
    for batch in batches:
        # Files as the author knows them: an editor's temporary, already renamed, is not one.
        paths = [Path(path) for _, path in batch]
        shown = {_relative(path, cards_dir) for path in paths if _still_there_or_cards(path)}
        changed = tuple(sorted(shown))
        on_build(_build(cards_dir, output, changed, package_format))


def _build(
    cards_dir: Path, output: Path | None, changed: tuple[str, ...], package_format: PackageFormat
) -> Rebuild:
    start = time.perf_counter()
    try:
        result, target = build(cards_dir, output, package_format=package_format)
    except ContentError as error:
        return Rebuild(time.perf_counter() - start, problems=error.problems, changed=changed)
    return Rebuild(time.perf_counter() - start, result, target, changed=changed)


def is_cards_change(path: Path, cards_dir: Path, output: Path | None) -> bool:
    """Whether a change at ``path`` can change the deck: not lmndeck's own files (the lock, the
    deck, hidden temporaries and caches), not an editor's scratch files."""
    relative = Path(_relative(path, cards_dir))
    name = relative.name
    if relative.parts[:1] == ("..",) or relative == Path(LOCK_NAME):
        return False
    if any(part.startswith((".", "#")) for part in relative.parts):
        return False  # hidden (not read as cards), or an Emacs lock/autosave file
    if name.endswith(_SCRATCH_SUFFIXES) or name in _SCRATCH_NAMES:
        return False
    return output is None or path.resolve() != output.resolve()


def _still_there_or_cards(path: Path) -> bool:
    return path.exists() or path.suffix.casefold() in CARD_SUFFIXES


def _relative(path: Path, cards_dir: Path) -> str:
    try:
        return str(path.resolve().relative_to(cards_dir.resolve()))
    except ValueError:
        return str(Path("..") / path.name)


def what_changed(plan: Plan | UpToDate) -> str:
    """'1 note changed', '2 notes added, 1 changed', or 'no note changed'."""
    changes = plan.changes
    counts = [
        (len(notes), verb)
        for notes, verb in (
            (changes.added, "added"),
            (changes.changed, "changed"),
            (changes.removed, "removed"),
            (changes.renamed, "renamed"),
        )
        if notes
    ]
    if not counts:
        return "no note changed"
    (first, verb), *rest = counts
    noun = "note" if first == 1 else "notes"
    return ", ".join([f"{first} {noun} {verb}", *(f"{n} {verb}" for n, verb in rest)])
