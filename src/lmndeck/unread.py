"""Removed notes whose items are still in a file the build does not read.

A file is read as cards only by its name (``*.yaml``, ``*.yml``, not hidden): a file renamed
``deck.yaml.bak``, ``.deck.yaml`` or ``deck.yaml.txt`` leaves its notes out, and a build then
removes them from every collection. Whatever the name, when a build removes notes, every other
file under the cards directory is searched for their items' ids, and each one found is a
warning at its line: the notes are gone by the file's name, not by the author's choice.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from lmndeck.cache import CACHE_NAME
from lmndeck.lock import LOCK_NAME
from lmndeck.problems import Code, Level, Position, Problem, place

_LARGEST = 1 << 20  # bytes of a file searched; a cards file is rarely a tenth of it
_SKIPPED_DIRECTORIES = {CACHE_NAME, ".git", ".hg", ".svn"}


def unread_items(root: Path, removed_keys: Iterable[str], read: Iterable[Path]) -> list[Problem]:
    """A warning for each file under ``root`` not among ``read`` (the cards files) that has
    an item of one of ``removed_keys`` (lock keys: 'fact/<id>', 'cell/<comparison id>/…')."""
    ids = sorted({key.split("/")[1] for key in removed_keys if key.count("/") >= 1})
    if not ids:
        return []
    pattern = re.compile(
        r"^[ \t-]*id:[ \t]*['\"]?(" + "|".join(map(re.escape, ids)) + r")['\"]?[ \t]*(?:#.*)?$",
        re.MULTILINE,
    )
    skipped = {path.resolve() for path in read}
    problems = []
    for path in _files(root):
        if path.resolve() in skipped or path.name == LOCK_NAME:
            continue
        text = _text(path) or ""
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            problems.append(
                Problem(
                    Position(place(path, root), line, 1),
                    f"'{match.group(1)}' is removed from the deck, but this file has it: it is "
                    "not read as a cards file, by its name",
                    "cards files are named *.yaml or *.yml and do not start with '.': rename "
                    "it to bring its notes back, or delete it if they are meant to go",
                    code=Code.UNREAD_CARDS,
                    level=Level.WARNING,
                )
            )
    return problems


def _files(root: Path) -> Iterator[Path]:
    for directory, names, files in os.walk(root):
        names[:] = sorted(name for name in names if name not in _SKIPPED_DIRECTORIES)
        for name in sorted(files):
            yield Path(directory) / name


def _text(path: Path) -> str | None:
    try:
        if not path.is_file() or path.stat().st_size > _LARGEST:
            return None
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
