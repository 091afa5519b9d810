"""A directory of cards files, loaded and validated together (ids are unique across files)."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lmndeck.loader import load_file
from lmndeck.model import ClozeFact, Comparison, DeckFile
from lmndeck.problems import ContentError, Position, Problem
from lmndeck.validate import check_previous_ids, validate_file

CARD_SUFFIXES = (".yaml", ".yml")  # in any case: '.YAML' files are cards files too

_UNREADABLE_HINT = "check the permissions (ls -l), or move it out of the cards directory"


@dataclass(frozen=True)
class Project:
    root: Path
    files: tuple[DeckFile, ...]

    @property
    def top_deck(self) -> str:
        """The longest deck-name prefix every file shares, e.g. 'Neurology::Motor neuron lesions'."""
        split = [deck_file.deck.split("::") for deck_file in self.files]
        common = []
        for parts in zip(*split, strict=False):
            if len(set(parts)) != 1:
                break
            common.append(parts[0])
        return "::".join(common) or self.root.resolve().name


def find_card_files(root: Path) -> tuple[list[Path], list[Problem]]:
    """Every cards file under ``root`` (hidden ones aside), and a problem for each candidate
    that cannot be read: a file that is skipped would turn its notes into tombstones."""
    if not root.is_dir():
        raise ContentError(
            [
                Problem(
                    Position(display_path(root), 1, 1),
                    "no such directory",
                    "pass the folder of cards files",
                )
            ]
        )
    found: list[Path] = []
    problems: list[Problem] = []
    seen: set[tuple[int, int]] = set()  # directories by (device, inode): links can loop
    pending = [root]
    while pending:  # a loop, not recursion: trees of any depth
        directory = pending.pop()
        try:
            status = directory.stat()
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError as error:
            problems.append(_unreadable(directory, "directory", error))
            continue
        if (status.st_dev, status.st_ino) in seen:
            problems.append(
                Problem(
                    Position(display_path(directory), 1, 1),
                    "this directory is reached a second time, through a symbolic link (a loop or a copy)",
                    "remove the link; every cards file must be found once",
                )
            )
            continue
        seen.add((status.st_dev, status.st_ino))
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            try:
                if entry.is_dir():
                    pending.append(path)
                elif entry.name.lower().endswith(CARD_SUFFIXES):
                    found.append(_cards_file(path))
            except OSError as error:
                problems.append(_unreadable(path, "file", error))
    if not found and not problems:
        raise ContentError(
            [
                Problem(
                    Position(display_path(root), 1, 1),
                    "no cards files (*.yaml) in this directory",
                    "create one, e.g. cards/topic.yaml starting with 'deck: Name'",
                )
            ]
        )
    return sorted(found), problems


def _cards_file(path: Path) -> Path:
    """``path``, if it is a regular file; OSError for a link to nothing, a pipe, a socket."""
    if path.is_symlink() and not path.exists():
        raise FileNotFoundError(errno.ENOENT, "the link points to a file that does not exist")
    if not path.is_file():
        raise OSError(errno.EINVAL, "not a regular file")
    return path


def _unreadable(path: Path, what: str, error: OSError) -> Problem:
    return Problem(
        Position(display_path(path), 1, 1),
        f"cannot read the {what}: {error.strerror or error}",
        _UNREADABLE_HINT,
    )


def display_path(path: Path) -> str:
    """A path for messages: relative to the working directory when it lies below it, else as
    given; bytes that are not UTF-8 are shown as \\xNN, so any name can be printed."""
    try:
        relative = os.path.relpath(path)
    except (OSError, ValueError):  # the working directory was deleted (or is on another drive)
        relative = str(path)
    shown = relative if not relative.startswith("..") else str(path)
    return os.fsencode(shown).decode("utf-8", "backslashreplace")


# Called after each file is read with (files read, files in all).
Progress = Callable[[int, int], None]


def load_project(root: Path, progress: Progress | None = None) -> Project:
    files: list[DeckFile] = []
    paths, problems = find_card_files(root)
    for done, path in enumerate(paths, start=1):
        if progress:
            progress(done, len(paths))
        shown = display_path(path)
        try:
            deck_file, file_problems = validate_file(load_file(path, shown), shown)
        except ContentError as error:
            problems.extend(error.problems)
            continue
        except OSError as error:
            problems.append(_unreadable(path, "file", error))
            continue
        problems.extend(file_problems)
        if deck_file:
            files.append(deck_file)
    problems.extend(_duplicate_ids(files))
    problems.extend(check_previous_ids(files))
    if problems:
        raise ContentError(problems)
    return Project(root, tuple(files))


def _duplicate_ids(files: list[DeckFile]) -> list[Problem]:
    first: dict[str, Position] = {}
    problems = []
    for deck_file in files:
        items: list[ClozeFact | Comparison] = [*deck_file.facts, *deck_file.comparisons]
        for item in items:
            if item.id in first:
                where = first[item.id]
                problems.append(
                    Problem(
                        item.position,
                        f"duplicate id '{item.id}'",
                        f"ids must be unique across all files; '{item.id}' is first used at "
                        f"{where.path}:{where.line}:{where.column}",
                    )
                )
            else:
                first[item.id] = item.position
    return problems
