"""Shared frozen types of the model: sources, previous ids and a cards file's items.

Each card kind's own types (a cloze fact, a comparison) live in its module under ``kinds``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from lmndeck.problems import Position

if TYPE_CHECKING:
    from lmndeck.kinds.base import Item


@dataclass(frozen=True)
class VideoSource:
    name: str
    youtube_id: str
    title: str
    author: str | None


@dataclass(frozen=True)
class TextSource:
    name: str
    title: str
    author: str | None
    url: str | None


Source = VideoSource | TextSource


@dataclass(frozen=True)
class SourceRef:
    """A citation: a source, and for a video the second the statement is made at."""

    source: Source
    seconds: int | None = None


@dataclass(frozen=True)
class PreviousId:
    """An id an item had before (its ``was:``), so that renaming it keeps its notes' history."""

    id: str
    position: Position


@dataclass(frozen=True)
class DeckFile:
    """One cards file: the items of one deck or subdeck, per card kind in study order."""

    path: str
    deck: str
    sections: tuple[tuple[str, tuple[Item, ...]], ...]  # (kind name, its items)

    def items(self, kind: str) -> tuple[Item, ...]:
        return next((items for name, items in self.sections if name == kind), ())
