"""Shared frozen types of the model: sources and previous ids.

Each card kind's own types (a cloze fact, a comparison) live in its module under ``kinds``.
"""

from __future__ import annotations

from dataclasses import dataclass

from lmndeck.problems import Position


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
