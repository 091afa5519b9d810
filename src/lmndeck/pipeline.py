"""The pipeline: cards directory in, .apkg and lock file out. The only module that chains the
stages, each of which only hands its result on:

    load + read (deckfile, kinds)  -> project checks (project)  -> notes (each item's kind)
    -> the lock to build from (recover) -> records matched to notes (reconcile.match)
    -> card numbers (numbering) -> fields (each note's kind) -> reconcile -> package

A build first has the files the cache lacks read and rendered into it on every core (warmup),
then takes the files the cache has in outline, without their models (outline).
"""

from __future__ import annotations

import functools
import gc
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import accumulate, pairwise
from pathlib import Path

from lmndeck import buildrecord, cache
from lmndeck.buildrecord import UpToDate as UpToDate
from lmndeck.buildtime import TIME_LIMIT as TIME_LIMIT
from lmndeck.buildtime import current_time, epoch_problems, refuse_times_past_the_last
from lmndeck.fields import filled_notes
from lmndeck.kinds import KINDS, NOTE_TYPES
from lmndeck.kinds.base import PlannedNote
from lmndeck.latest import PackageFormat
from lmndeck.lock import Lock, encode_lock
from lmndeck.lock import lock_path as lock_path
from lmndeck.lockdriver import merge_lock_files as merge_lock_files
from lmndeck.lockfile import LockBase, lock_mark, remember_lock
from lmndeck.media import media_of
from lmndeck.notetypes import content_hashes
from lmndeck.package import PackageContents, package_bytes
from lmndeck.packaged import last_packaged, remember_packaged
from lmndeck.problems import (
    Code,
    ContentError,
    Problem,
    file_position,
    place,
)
from lmndeck.project import (
    Decks,
    Outlined,
    Project,
    draft_problems,
    fingerprint,
    load_outlined,
    load_project,
    outlined_project,
)
from lmndeck.project import Progress as Progress
from lmndeck.reconcile import REMOVED_TAG as REMOVED_TAG
from lmndeck.reconcile import Changes as Changes
from lmndeck.reconcile import match, reconcile
from lmndeck.recover import previous_lock
from lmndeck.rules import RULE_IDS
from lmndeck.studyorder import study_positions
from lmndeck.unread import unread_items
from lmndeck.warmup import warm_cache
from lmndeck.workspace import workspace
from lmndeck.writing import (
    build_lock,
    holds,
    refuse_output_in_cards_dir,
    refuse_replacing_another_file,
    signals_held,
    write_files,
)
from lmndeck.writing import default_output as default_output


@dataclass(frozen=True)
class Plan:
    """Everything a build would write, computed without writing anything."""

    project: Project  # without its files' models in a build's plan (freed while it was made)
    contents: PackageContents
    lock: Lock
    lock_file: bytes  # the lock as written, encoded once: 25 MB at 100k facts
    lock_changed: bool
    changes: Changes
    output: Path  # where the deck goes: -o, else the default (see default_output)
    notices: tuple[str, ...] = ()  # how the lock was recovered or merged, for the user
    warnings: tuple[Problem, ...] = ()  # e.g. drafts left out of the deck
    before: Lock = field(default_factory=Lock)  # the lock the build started from
    before_written: bool = False  # ``before`` is a lock file's a build wrote (remember_lock)
    before_base: LockBase | None = None  # the cache's base ``before`` was taken from
    image_files: tuple[Path, ...] = ()  # of the images the cards files show
    # the files whose notes were packaged anew, which a build stores for the next one (see
    # packaged): each one's path as shown, its cache key, and where its notes are in ``contents``
    packaged_anew: tuple[tuple[str, str, int, int], ...] = ()

    @functools.cached_property
    def cards_by_kind(self) -> list[tuple[str, int]]:
        """(what the cards are called, how many) per kind that has cards, in study order: a
        deck without, say, list facts is not told about them. One pass over the notes: the
        summary and the build record both ask."""
        cards: Counter[str] = Counter()
        for note in self.contents.notes:
            if not note.removed:
                cards[note.kind] += len(note.ords)
        return [(kind.cards_noun, cards[kind.name]) for kind in KINDS if cards[kind.name]]

    @functools.cached_property
    def lock_digest(self) -> str:
        """The lock file's ``cache.digest``: the build's record and the lock's mark name it."""
        return cache.digest(self.lock_file)

    @property
    def live_notes(self) -> int:
        return sum(1 for note in self.contents.notes if not note.removed)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cyclic garbage collector off while a deck is planned and written.

    A build makes hundreds of thousands of long-lived objects and no reference cycles
    (gc.collect() after a 20k-fact build finds nothing), yet every few hundred short-lived
    parse nodes the collector walked them all again: a quarter of a 20k-fact build and more
    for larger decks, so the cost per fact grew with the deck. Reference counting still frees
    everything; the collector's previous state comes back afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def plan(
    cards_dir: Path,
    now: int | None = None,
    progress: Progress | None = None,
    output: Path | None = None,
    remember: bool = False,
) -> Plan:
    """``output`` is where the last deck was built (default: see ``default_output``): a lock file
    that is missing or lacks notes is recovered from it. What the cache has is used;
    ``remember`` stores in it what was read and rendered anew (a build does)."""
    with _no_cycle_collection():
        return _plan(cards_dir, now, progress, output, remember)


def _plan(
    cards_dir: Path,
    now: int | None,
    progress: Progress | None,
    output: Path | None,
    remember: bool,
) -> Plan:
    if remember and warm_cache(cards_dir, progress):  # it told of the files it read
        progress = None
    if remember:  # a build: the files read before are taken in outline (see outline)
        outlined = load_outlined(cards_dir, progress, RULE_IDS)
        project = Project(cards_dir, ())
    else:
        project = load_project(cards_dir, progress, False, RULE_IDS)
        outlined = outlined_project(project)
    path = lock_path(cards_dir)
    by_file = [file.notes for file in outlined.files]
    planned = [note for notes in by_file for note in notes]
    built = buildrecord.built_with(buildrecord.record_path(cards_dir, output))
    previous = previous_lock(
        path, _deck_of(outlined, output), outlined, planned, _rendering(outlined), built
    )
    when = current_time() if now is None else now
    matched = match(planned, previous.lock, outlined.top_deck)
    del planned
    target = output or default_output(outlined, matched.lock)  # the lock has its namespace now
    positions = study_positions([len(notes) for notes in by_file])
    files = [file.outline for file in outlined.files]
    media = media_of(image for file in files for image in file.shown)
    image_files = tuple(image.path for file in files for image in file.images if image.path)
    problems = sorted(draft for file in files for draft in file.drafts)
    read = [cards_dir / file.path for file in files]
    starts = list(accumulate((len(notes) for notes in by_file), initial=0))
    ranges = list(pairwise(starts))
    whole = [  # a build takes whole the notes of the files that did not change (see packaged)
        last_packaged(cards_dir, file, notes, positions[start:end], matched.lock, previous.base)
        if remember
        else None
        for file, notes, (start, end) in zip(outlined.files, by_file, ranges, strict=True)
    ]
    packaged_anew = tuple(
        (file.outline.path, file.key, start, end)
        for file, taken, (start, end) in zip(outlined.files, whole, ranges, strict=True)
        if remember and taken is None
    )
    work = list(zip(outlined.files, by_file, whole, strict=True))
    del by_file, outlined, files, whole  # each file's model goes once its notes are rendered
    filled = filled_notes(cards_dir, work, matched.lock, remember)
    hashes = content_hashes(NOTE_TYPES, cards_dir if remember else None)
    notes, lock, changes = reconcile(filled, matched, previous.lock, when, positions, hashes)
    refuse_times_past_the_last(lock, path, cards_dir)
    note_types = {kind: (NOTE_TYPES[kind], record.mod) for kind, record in lock.note_types.items()}
    lock_file = encode_lock(lock, previous.written)
    old_file = path.read_bytes() if path.exists() else None
    return Plan(
        project,
        PackageContents(tuple(notes), note_types, lock_file, media),
        lock,
        lock_file,
        lock_file != old_file,
        changes,
        target,
        tuple(previous.notices),
        (
            *epoch_problems(when, previous.lock, now),
            *unread_items(cards_dir, changes.removed, read),
            *problems,
        ),
        previous.lock,
        previous.written is not None,
        previous.base,
        image_files,
        packaged_anew,
    )


def _deck_of(project: Decks, output: Path | None) -> Callable[[Lock | None], Path]:
    """Where the last deck was built, given the lock file as read (see ``previous_lock``)."""
    return lambda lock: output or default_output(project, lock)


def _rendering(project: Outlined) -> Callable[[], list[PlannedNote]]:
    """The project's notes, every one a note that renders (see ``previous_lock``)."""
    return lambda: [note for file in project.files for note in file.planned(project.root).values()]


def check(cards_dir: Path) -> tuple[list[tuple[str, int]], list[Problem]]:
    """Read and check the cards files: (what is counted, how many): files, then the items of
    each kind that has any; and the warnings. A ``ContentError`` carries every problem."""
    project = load_project(cards_dir, rules=RULE_IDS)
    items = [
        (kind.noun, sum(len(deck_file.items(kind.name)) for deck_file in project.files))
        for kind in KINDS
        if kind.section  # a kind without a section has no items of its own
    ]
    counts = [("file", len(project.files)), *((noun, number) for noun, number in items if number)]
    return counts, draft_problems(project)


def build(
    cards_dir: Path,
    output: Path | None = None,
    now: int | None = None,
    progress: Progress | None = None,
    on_wait: Callable[[], None] | None = None,
    on_written: Callable[[], None] | None = None,
    on_planned: Callable[[Plan], None] | None = None,
    package_format: PackageFormat = "legacy",
) -> tuple[Plan | UpToDate, Path]:
    """Build the deck and save the lock; the previous deck stays whole if anything fails.

    One build of a cards directory runs at a time: a second one calls ``on_wait`` once and
    waits for the first to finish, then reads the lock file that one wrote. Ctrl-C and SIGTERM
    wait while the files are written, and ``on_written`` is called before they can arrive: a
    KeyboardInterrupt raised after it came once the deck and the lock file were written.
    A build that would write what is there already writes nothing (``UpToDate`` when the cache
    tells so without building). ``on_planned`` sees the plan before anything is written; an
    exception it raises stops the build there. ``package_format``: see ``package_bytes``.
    """
    with build_lock(cards_dir, on_wait), _no_cycle_collection():
        cards = fingerprint(cards_dir)  # before reading: an edit from now on is seen next time
        started = _lock_bytes(lock_path(cards_dir))
        record = buildrecord.record_path(cards_dir, output)
        up_to_date = buildrecord.up_to_date(cards_dir, output, record, cards, package_format)
        if up_to_date is not None:
            if now is None:
                current_time()  # an unusable SOURCE_DATE_EPOCH is an error all the same
            return up_to_date
        if output is not None:  # before it is read as the last built deck
            refuse_output_in_cards_dir(cards_dir, output)
            refuse_replacing_another_file(output, cards_dir)
        result = plan(cards_dir, now, progress, output, remember=True)
        target = result.output
        refuse_output_in_cards_dir(cards_dir, target)
        if on_planned:
            on_planned(result)
        lock_file, shown = lock_path(cards_dir), place(lock_path(cards_dir), cards_dir)
        known = result.before if result.before_written else None
        mark = lock_mark(
            lock_file, shown, result.lock_digest, result.lock, known, result.before_base
        )
        with workspace(record) as kept:
            deck = package_bytes(result.contents, kept.collection, kept.chunks, package_format)
        # The lock first: a deck on disk must never be newer than the lock on disk, or the
        # next build would give its numbers to other deletions. A newer lock beside an older
        # deck is harmless: the lock only ever adds numbers, and the next build writes the deck.
        # A deck with these bytes already there is left alone (its time tells when it changed).
        writes = [] if holds(target, deck) else [(target, deck)]
        if result.lock_changed:
            writes.insert(0, (lock_path(cards_dir), result.lock_file))
        with signals_held():
            _refuse_changed_under(cards_dir, started, cards)
            write_files(writes, cards_dir)
            if on_written:
                on_written()
        buildrecord.remember(cards_dir, record, cards, result, target, deck, package_format)
        remember_lock(lock_file, shown, result.lock_digest, mark)
        base = mark.base if mark is not None else None
        # after the package: what storing them holds for a while is less than packaging frees
        for file_shown, key, start, end in result.packaged_anew:
            notes = result.contents.notes[start:end]
            remember_packaged(cards_dir, file_shown, key, notes, result.lock, base)
    return result, target


def _lock_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _refuse_changed_under(cards_dir: Path, started: bytes | None, cards: str | None) -> None:
    """A build writes only a lock made from the lock file and cards files it started from: one
    that git (checkout, pull, merge, stash) replaced while it ran would be overwritten with
    the other branch's numbers, and the next build would renumber this branch's deletions."""
    lock = lock_path(cards_dir)
    if _lock_bytes(lock) == started and fingerprint(cards_dir) == cards:
        return
    what = "the lock file" if _lock_bytes(lock) != started else "the cards files"
    raise ContentError(
        [
            Problem(
                file_position(lock, cards_dir),
                f"{what} changed while this build ran (a git checkout, pull, merge or stash?): "
                "its lock would not match them",
                "build again (lmndeck build --watch does so by itself on the next change)",
                code=Code.CHANGED_DURING_BUILD,
            )
        ]
    )


def check_build(
    cards_dir: Path, output: Path | None = None, package_format: PackageFormat = "legacy"
) -> tuple[Plan, Path]:
    """Fail unless the lock and the deck at ``output`` are what a build would write now."""
    with _no_cycle_collection():
        return _check_build(cards_dir, output, package_format)


def _check_build(
    cards_dir: Path, output: Path | None, package_format: PackageFormat
) -> tuple[Plan, Path]:
    result = plan(cards_dir, output=output)
    target = result.output
    problems = []
    if result.lock_changed:
        problems.append(
            Problem(
                file_position(lock_path(cards_dir), cards_dir),
                "the lock file is out of date with the cards files",
                "run 'lmndeck build' and commit the lock file and the deck"
                + "".join(f"\n  note: {notice}" for notice in result.notices),
                code=Code.LOCK_OUT_OF_DATE,
            )
        )
    elif not holds(target, package_bytes(result.contents, package_format=package_format)):
        problems.append(
            Problem(
                file_position(target, cards_dir),
                "the deck is not what the cards files build",
                "run 'lmndeck build' and commit the deck",
                code=Code.DECK_OUT_OF_DATE,
            )
        )
    if problems:
        raise ContentError(problems)
    return result, target
