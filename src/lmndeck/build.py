"""The whole pipeline: cards directory in, .apkg and lock file out."""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from lmndeck.kinds import NOTE_TYPES
from lmndeck.kinds.base import PlannedNote
from lmndeck.lock import Lock, dumps_lock, lock_path
from lmndeck.numbering import number
from lmndeck.package import PackageContents, package_bytes, write_atomically
from lmndeck.problems import Code, ContentError, Position, Problem, place
from lmndeck.project import Progress, Project, load_project
from lmndeck.reconcile import Changes, FilledNote, match, reconcile
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

    def cards(self, kind: str) -> int:
        """Cards of the notes of ``kind`` (a kind's name) in the deck."""
        return sum(
            len(note.ords) for note in self.contents.notes if note.kind == kind and not note.removed
        )

    @property
    def live_notes(self) -> int:
        return sum(1 for note in self.contents.notes if not note.removed)


def current_time() -> int:
    """Now, or SOURCE_DATE_EPOCH when set (the reproducible-builds convention)."""
    fixed = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(fixed) if fixed.isdigit() else int(time.time())


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
    planned = notes_of(project)
    previous = previous_lock(path, output or default_output(project), project, planned)
    when = current_time() if now is None else now
    matched = match(planned, previous.lock, project.top_deck)
    filled = (fill(note, matched.lock) for note in planned)
    notes, lock, changes = reconcile(filled, matched, previous.lock, when)
    note_types = {kind: (NOTE_TYPES[kind], record.mod) for kind, record in lock.note_types.items()}
    lock_text = dumps_lock(lock)
    old_text = path.read_bytes() if path.exists() else None
    return Plan(
        project,
        PackageContents(tuple(notes), note_types, lock_text),
        lock_text,
        lock_text.encode("utf-8") != old_text,
        changes,
        tuple(previous.notices),
    )


def notes_of(project: Project) -> list[PlannedNote]:
    """Every note of the project, in study order: files by path, in a file kind by kind (in
    the registry's order), items in file order."""
    return [
        note
        for deck_file in project.files
        for _, items in deck_file.sections
        for item in items
        for note in item.notes(deck_file.deck)
    ]


def fill(note: PlannedNote, lock: Lock) -> FilledNote:
    """The note's card numbers (kept from the lock) and its fields, rendered by its kind."""
    record = lock.notes.get(note.key)
    numbers = number(note.card_keys, record)
    return FilledNote(note, numbers, note.fields(numbers.active))


def default_output(project: Project) -> Path:
    name = re.sub(r"[^a-z0-9]+", "-", project.top_deck.casefold()).strip("-") or "deck"
    return Path("dist") / f"{name}.apkg"


def build(
    cards_dir: Path,
    output: Path | None = None,
    now: int | None = None,
    progress: Progress | None = None,
) -> tuple[Plan, Path]:
    """Build the deck and save the lock; the previous deck stays whole if anything fails."""
    result = plan(cards_dir, now, progress, output)
    target = output or default_output(result.project)
    write_atomically(target, package_bytes(result.contents))
    if result.lock_changed:
        write_atomically(lock_path(cards_dir), result.lock_text.encode("utf-8"))
    return result, target


def check_build(cards_dir: Path, output: Path | None = None) -> tuple[Plan, Path]:
    """Fail unless the lock and the deck at ``output`` are what a build would write now."""
    result = plan(cards_dir, output=output)
    target = output or default_output(result.project)
    problems = []
    if result.lock_changed:
        problems.append(
            Problem(
                Position(place(lock_path(cards_dir), cards_dir), 1, 1),
                "the lock file is out of date with the cards files",
                "run 'lmndeck build' and commit the lock file and the deck"
                + "".join(f"\n  note: {notice}" for notice in result.notices),
                code=Code.LOCK_OUT_OF_DATE,
            )
        )
    elif not target.exists() or target.read_bytes() != package_bytes(result.contents):
        problems.append(
            Problem(
                Position(place(target, cards_dir), 1, 1),
                "the deck is not what the cards files build",
                "run 'lmndeck build' and commit the deck",
                code=Code.DECK_OUT_OF_DATE,
            )
        )
    if problems:
        raise ContentError(problems)
    return result, target
