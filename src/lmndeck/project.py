"""A directory of cards files, loaded and validated together (ids are unique across files)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lmndeck.loader import load_file
from lmndeck.model import ClozeFact, Comparison, DeckFile
from lmndeck.problems import ContentError, Position, Problem
from lmndeck.validate import validate_file

CARD_SUFFIXES = (".yaml", ".yml")


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


def find_card_files(root: Path) -> list[Path]:
    if not root.is_dir():
        raise ContentError(
            [
                Problem(
                    Position(str(root), 1, 1), "no such directory", "pass the folder of cards files"
                )
            ]
        )
    found = sorted(
        path
        for path in root.rglob("*")
        if path.suffix in CARD_SUFFIXES and path.is_file() and not _hidden(path, root)
    )
    if not found:
        raise ContentError(
            [
                Problem(
                    Position(str(root), 1, 1),
                    "no cards files (*.yaml) in this directory",
                    "create one, e.g. cards/topic.yaml starting with 'deck: Name'",
                )
            ]
        )
    return found


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


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
    problems: list[Problem] = []
    files: list[DeckFile] = []
    paths = find_card_files(root)
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
            problems.append(
                Problem(Position(shown, 1, 1), f"cannot read the file: {error.strerror}")
            )
            continue
        problems.extend(file_problems)
        if deck_file:
            files.append(deck_file)
    problems.extend(_duplicate_ids(files))
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
