"""A problem found in the user's input: a small value that points at an exact place.

Every problem has a code (stable, kebab-case, listed in the README) and a level. Its position's
path is relative to the cards directory, so a problem stays true wherever lmndeck runs from;
``formats`` makes it relative to the working directory when it is printed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import NamedTuple


class Level(str, Enum):
    ERROR = "error"
    WARNING = "warning"


class Code(str, Enum):
    """What went wrong, one code per root cause; the README's table explains each."""

    # reading files
    NO_DIRECTORY = "no-directory"
    NO_CARDS_FILES = "no-cards-files"
    UNREADABLE = "unreadable"
    LINK_LOOP = "link-loop"
    NOT_UTF8 = "not-utf8"
    FORBIDDEN_CHARACTER = "forbidden-character"
    INVALID_YAML = "invalid-yaml"
    TOO_DEEP = "too-deep"
    MULTIPLE_DOCUMENTS = "multiple-documents"
    YAML_TAG = "yaml-tag"
    YAML_ALIAS = "yaml-alias"
    # the shape of a cards file
    EMPTY_FILE = "empty-file"
    WRONG_TYPE = "wrong-type"
    MERGED_ITEMS = "merged-items"
    COMMENT_IN_TEXT = "comment-in-text"
    EMPTY_VALUE = "empty-value"
    UNKNOWN_KEY = "unknown-key"
    DUPLICATE_KEY = "duplicate-key"
    MISSING_KEY = "missing-key"
    NO_ITEMS = "no-items"
    INVALID_ID = "invalid-id"
    DUPLICATE_ID = "duplicate-id"
    INVALID_DECK = "invalid-deck"
    RESERVED_DECK = "reserved-deck"
    INVALID_TAG = "invalid-tag"
    RESERVED_TAG = "reserved-tag"
    # previous ids (was:)
    INVALID_WAS = "invalid-was"
    WAS_IN_USE = "was-in-use"
    WAS_CLAIMED_TWICE = "was-claimed-twice"
    # sources
    INVALID_SOURCE = "invalid-source"
    UNKNOWN_SOURCE = "unknown-source"
    INVALID_TIMESTAMP = "invalid-timestamp"
    MISSING_SOURCE = "missing-source"
    # cloze facts
    CLOZE_SYNTAX = "cloze-syntax"
    ANKI_CLOZE_NUMBER = "anki-cloze-number"
    NO_DELETION = "no-deletion"
    # list facts
    TOO_FEW_ITEMS = "too-few-items"
    DUPLICATE_ITEM = "duplicate-item"
    DELETION_IN_LIST = "deletion-in-list"
    # comparisons
    INVALID_COLUMNS = "invalid-columns"
    TOO_FEW_COLUMNS = "too-few-columns"
    DUPLICATE_ROW = "duplicate-row"
    NO_ROWS = "no-rows"
    EMPTY_ROW = "empty-row"
    INVALID_CARDS = "invalid-cards"
    ANSWER_IN_CELL = "answer-in-cell"
    # images
    IMAGE_NOT_FOUND = "image-not-found"
    IMAGE_OUTSIDE_CARDS = "image-outside-cards"
    NOT_AN_IMAGE = "not-an-image"
    UNSAFE_SVG = "unsafe-svg"
    IMAGE_TOO_LARGE = "image-too-large"
    # drafts (warnings)
    DRAFT = "draft"
    # the lock file and the built deck
    INVALID_LOCK = "invalid-lock"
    LOCK_CONFLICT = "lock-conflict"
    FOREIGN_LOCK = "foreign-lock"
    LOCK_UNRECOVERABLE = "lock-unrecoverable"
    LOCK_OUT_OF_DATE = "lock-out-of-date"
    DECK_OUT_OF_DATE = "deck-out-of-date"
    NO_LOCK_FILE = "no-lock-file"
    # building
    INVALID_BUILD_TIME = "invalid-build-time"
    CHANGED_DURING_BUILD = "changed-during-build"
    OLD_BUILD_TIME = "old-build-time"
    UNREAD_CARDS = "unread-cards"
    OUTPUT_IN_CARDS = "output-in-cards"
    OUTPUT_EXISTS = "output-exists"
    NO_ANKI = "no-anki"
    NO_ZSTD = "no-zstd"
    CANNOT_WRITE = "cannot-write"
    FILE_ACCESS = "file-access"
    # writing into a student's collection (lmndeck sync)
    NO_COLLECTION = "no-collection"
    COLLECTION_IN_USE = "collection-in-use"
    FULL_SYNC_NEEDED = "full-sync-needed"
    BACKUP_FAILED = "backup-failed"
    # lint: an item's 'lint:' key and the configuration file CARDS_DIR/.lmndeck.yaml
    UNKNOWN_RULE = "unknown-rule"
    INVALID_OPTION = "invalid-option"
    # lint rules (lmndeck.rules): card quality, warnings by default
    ANSWER_LEAK = "answer-leak"
    LONG_ANSWER = "long-answer"
    TOO_MANY_DELETIONS = "too-many-deletions"
    LIST_IN_DELETION = "list-in-deletion"
    NO_CONTEXT = "no-context"
    NEAR_DUPLICATE = "near-duplicate"
    EQUAL_ROW = "equal-row"
    VIDEO_TIMESTAMP = "video-timestamp"
    ANKI_MARKUP = "anki-markup"


class Position(NamedTuple):
    """A place in a file; line and column count from 1, as editors show them. The path is
    relative to the cards directory (a file outside it: '..' parts, or absolute).

    A named tuple, not a dataclass: a deck has a few of them per fact (the fact's, its
    deletions'), and a tuple is a third of the memory and loads from the cache as fast."""

    path: str
    line: int
    column: int
    # The path as given, relative to the working directory: a file outside the cards directory
    # when the working directory is gone and the two cannot be related.
    given: bool = False

    def shifted(self, columns: int) -> Position:
        return Position(self.path, self.line, self.column + columns, self.given)


# The position of a problem of no file (the command's options, what is installed): printed
# without one. Lines count from 1, so no place in a file is this one.
NOWHERE = Position("", 0, 0)


@dataclass(frozen=True, order=True)
class Problem:
    """``related`` is another place the problem is about (the first of two duplicates); the
    message or hint names it as ``RELATED``, shown where it is printed."""

    position: Position
    message: str
    hint: str | None = None
    code: Code = field(kw_only=True)
    level: Level = field(default=Level.ERROR, kw_only=True)
    related: Position | None = field(default=None, kw_only=True)


# Stands for the related position in a problem's text; ids and keys cannot contain braces.
RELATED = "{related}"


class ContentError(Exception):
    """Raised when input cannot be turned into a deck; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the input")


def place(path: Path, root: Path) -> str:
    """``path`` as a position's path: relative to the cards directory ``root``."""
    try:
        return os.path.relpath(path, root)
    except (OSError, ValueError):  # no working directory, or another drive
        return os.fsdecode(path)


def given_position(path: Path) -> Position:
    """The start of ``path`` as the user gave it, for a file of no project (an Anki
    collection, its folders): shown relative to the working directory, or whole."""
    return Position(os.fsdecode(path), 1, 1, given=True)


def file_position(path: Path, root: Path) -> Position:
    """The start of the file ``path``, for a problem about the whole file."""
    try:
        return Position(os.path.relpath(path, root), 1, 1)
    except (OSError, ValueError):
        return Position(os.fsdecode(path), 1, 1, given=True)
