"""What the Markdown importer found in a document: facts and comparisons, in document order,
for ``cardsyaml`` to write as a cards file."""

from __future__ import annotations

from dataclasses import dataclass, field

from lmndeck.kinds.comparison import Column


@dataclass(frozen=True)
class Fact:
    id: str
    fields: tuple[tuple[str, str], ...]  # (key, text) in the order written
    time: str | None  # the video time it is cited at
    why_draft: str | None = None  # set: a draft, and the comment saying what to review
    items: tuple[str, ...] = ()  # a list fact's items
    ordered: bool = False  # a list fact whose order is asked (numbered steps)


@dataclass(frozen=True)
class Cell:
    text: str
    time: str | None
    why_not_discrimination: str | None = None


@dataclass(frozen=True)
class Row:
    feature: str
    cells: tuple[Cell | None, ...]
    id: str | None = None  # written only when the feature's slug is taken by another row


@dataclass(frozen=True)
class Comparison:
    id: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    empty_rows: tuple[str, ...]  # features of rows without cells, kept as comments
    extra: str = ""  # a callout after the table, shown on the back of its cards


@dataclass
class Document:
    """What the importer found, in document order."""

    name: str
    title: str
    tags: tuple[str, ...] = ()  # the front matter's, for every note of the file
    video: str | None = None
    author: str | None = None
    facts: list[Fact] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # blocks that are not text, as comments

    @property
    def drafts(self) -> int:
        return sum(1 for fact in self.facts if fact.why_draft)
