"""Stage 2's output: the typed model of a deck's facts, free of YAML and of HTML."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

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
class Deletion:
    """One cloze deletion. Deletions with the same label share one card."""

    answer: str
    hint: str | None
    label: str | None
    offset: int  # where the deletion starts in the fact's text, for error messages

    @property
    def base_key(self) -> str:
        """What identifies this deletion across edits: its label, else its answer."""
        return "@" + self.label if self.label else " ".join(self.answer.split()).casefold()


ClozePart = str | Deletion


@dataclass(frozen=True)
class PreviousId:
    """An id an item had before (its ``was:``), so that renaming it keeps its notes' history."""

    id: str
    position: Position


@dataclass(frozen=True)
class ClozeFact:
    id: str
    parts: tuple[ClozePart, ...]
    extra: str
    tags: tuple[str, ...]
    source: SourceRef
    position: Position
    was: tuple[PreviousId, ...] = ()

    @cached_property
    def deletions(self) -> tuple[Deletion, ...]:
        return tuple(part for part in self.parts if isinstance(part, Deletion))

    @cached_property
    def deletion_keys(self) -> tuple[str, ...]:
        """One key per deletion. Labelled deletions share their label's key (and card);
        a repeated unlabelled answer gets its own key per occurrence, and so its own card."""
        seen: dict[str, int] = {}
        keys = []
        for deletion in self.deletions:
            key = deletion.base_key
            if deletion.label is None:
                seen[key] = seen.get(key, 0) + 1
                key += f"#{seen[key]}" if seen[key] > 1 else ""
            keys.append(key)
        return tuple(keys)


@dataclass(frozen=True)
class Column:
    id: str
    label: str
    was: tuple[PreviousId, ...] = ()


@dataclass(frozen=True)
class Cell:
    text: str
    source: SourceRef


@dataclass(frozen=True)
class Row:
    id: str
    feature: str
    cells: tuple[Cell | None, ...]  # one per column of the table; None where left blank
    was: tuple[PreviousId, ...] = ()


@dataclass(frozen=True)
class Comparison:
    id: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    extra: str
    tags: tuple[str, ...]
    position: Position
    was: tuple[PreviousId, ...] = ()


@dataclass(frozen=True)
class DeckFile:
    """One cards file: the facts of one deck or subdeck."""

    path: str
    deck: str
    facts: tuple[ClozeFact, ...]
    comparisons: tuple[Comparison, ...]
