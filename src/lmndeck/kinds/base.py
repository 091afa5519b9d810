"""What every card kind provides, and what the rest of lmndeck knows of a kind: nothing more.

A kind owns a section of the cards file (``facts:``, ``comparisons:``): it reads the section's
items, makes each item's notes with their card keys, renders their fields, and defines its
Anki note type and what a removed note of the kind shows. The pipeline, the lock and the
package only go through this interface, so adding a kind is one module and a registry line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypedDict

import yaml

from lmndeck.media import Image, read_image
from lmndeck.model import PreviousId, SourceRef
from lmndeck.notetypes import NoteType
from lmndeck.numbering import Numbers
from lmndeck.problems import Position
from lmndeck.reader import Reader, unique
from lmndeck.reserved import REMOVED_TAG
from lmndeck.sources import Cited, Sources, required_source, source_ref


@dataclass(frozen=True)
class FileContext:
    """What a cards file gives each of its items: its tags and sources, and the cards
    directory its images are in."""

    tags: tuple[str, ...]
    sources: Sources
    cited: Cited  # the file's default source
    cards_dir: Path


class NoteShape(Protocol):
    """What a build knows of a note before its fields: enough to number its cards and match
    it with the lock. Its key is built from ids only, so edits keep its identity; its
    previous keys (from 'was:') let a renamed note keep it too."""

    @property
    def key(self) -> str: ...
    @property
    def deck(self) -> str: ...
    @property
    def kind(self) -> Kind: ...
    @property
    def tags(self) -> tuple[str, ...]: ...

    @property
    def card_keys(self) -> tuple[str, ...]:
        """One key per card whose number is kept across edits (a cloze deletion's); empty
        for a note with one fixed card."""
        ...

    @property
    def previous_keys(self) -> tuple[str, ...]:
        """Keys this note had before, most recent first."""
        ...


class PlannedNote(NoteShape, Protocol):
    """A note a build will make, from its item: it renders its fields."""

    @property
    def source(self) -> SourceRef:
        """What the note cites (for 'lmndeck stats')."""
        ...

    def fields(self, numbers: Mapping[str, int]) -> tuple[str, ...]:
        """The note's fields, in its note type's order; ``numbers`` maps card keys to cards."""
        ...


class Item(Protocol):
    """One item of a kind's section: it has an id (unique across all files) and notes."""

    @property
    def id(self) -> str: ...
    @property
    def was(self) -> tuple[PreviousId, ...]: ...
    @property
    def position(self) -> Position: ...
    @property
    def image(self) -> Image | None:
        """The image shown on the back of its cards (see ``media``)."""
        ...

    @property
    def draft(self) -> bool:
        """Marked 'draft: true': read and checked, but left out of the deck (and the lock)."""
        ...

    def notes(self, deck: str) -> Iterable[PlannedNote]: ...

    def lint_text(self) -> LintText:
        """The item as the lint rules that read every kind see it (see ``LintText``)."""
        ...


@dataclass(frozen=True)
class Written:
    """A text of an item as its author wrote it, where, and the lint rules its place (the item,
    or for a cell its row and comparison too) switches off."""

    text: str
    position: Position
    ignored: frozenset[str]


@dataclass(frozen=True)
class CardText:
    """One card as lint reads it: what it asks, and what its front shows."""

    answers: tuple[Written, ...]  # what the card asks (a cloze card: the deletions it hides)
    # the texts its front shows, each apart, without hints that offer the answer among choices
    front: tuple[str, ...]
    position: Position  # where a finding about the whole card is reported
    ignored: frozenset[str]
    # the text of the front that no-context counts (hints included); None: the card is not
    # counted (e.g. a list's later cards, whose front is its first card's with items shown)
    context: str | None = None
    terse: bool = False  # a front that may be short (a basic card's question)


@dataclass(frozen=True)
class Citation:
    """What an item, or a part of it, cites (for video-timestamp): ``named`` as messages name
    it ("the fact 'lmn'", "the cell 'Weak'")."""

    named: str
    ref: SourceRef
    position: Position
    ignored: frozenset[str]
    hint: str  # how to give it the time


@dataclass(frozen=True)
class LintText:
    """An item as the lint rules that read every kind see it, in the kind's words: the rules
    never look at a kind's own types, so a new kind is linted as soon as it says this."""

    id: str
    position: Position
    ignored: frozenset[str]
    cards: tuple[CardText, ...]
    written: tuple[Written, ...]  # every text of it an author wrote (for anki-markup)
    citations: tuple[Citation, ...]
    statement: str | None = None  # what it teaches, answers in place (near-duplicate compares)


@dataclass(frozen=True)
class DeckFile:
    """One cards file: the items of one deck or subdeck, per card kind in study order."""

    path: str
    deck: str
    sections: tuple[tuple[str, tuple[Item, ...]], ...]  # (kind name, its items)

    def items(self, kind: str) -> tuple[Item, ...]:
        return next((items for name, items in self.sections if name == kind), ())


Schema = dict[str, Any]


class SchemaParts(Protocol):
    """What a kind builds its JSON Schema of; ``lmndeck.schema`` gives it, and describes each key
    of the format once."""

    @property
    def text(self) -> Schema:
        """A text value (YAML's numbers and booleans are read as text too)."""
        ...

    def object(
        self,
        where: str,
        keys: tuple[str, ...],
        required: tuple[str, ...],
        own: Mapping[str, Schema] | None = None,
    ) -> Schema:
        """An object of ``keys`` and no other, as written in ``where`` (a key's description
        may depend on it); ``own``: the schemas of keys that only this kind has."""
        ...

    def ref(self, name: str) -> Schema:
        """A reference to a definition of the schema (the kinds' and ``id``, ``source``)."""
        ...


class Kind(Protocol):
    @property
    def name(self) -> str:
        """The kind's name in the lock file (never changes)."""
        ...

    @property
    def section(self) -> str | None:
        """The key of its list in a cards file; None for a kind whose notes come from another
        kind's items (e.g. cards made from a comparison's cells)."""
        ...

    @property
    def marker(self) -> str | None:
        """For kinds that share a section: the key that marks an item as this kind's (e.g. a
        fact with 'front:' is a basic card); None for the section's default kind."""
        ...

    @property
    def noun(self) -> str:
        """What one item is called in messages: 'fact', 'comparison'."""
        ...

    @property
    def keys(self) -> tuple[str, ...]:
        """The keys of one item of its section (none for a kind without a section)."""
        ...

    @property
    def required(self) -> tuple[str, ...]:
        """The keys every item of its section has."""
        ...

    @property
    def synonyms(self) -> tuple[tuple[str, str], ...]:
        """(word, key): the words other tools and habits use for its keys ('question' for a
        basic card's 'front'), so that an item written with them is told what to write."""
        ...

    @property
    def cards_noun(self) -> str:
        """What its cards are called in a build's summary: '73 cloze', '39 comparison'."""
        ...

    @property
    def note_type(self) -> NoteType: ...

    @property
    def example(self) -> str:
        """Cards of the kind as a cards file writes them (its section's key included): the
        kind conformance tests (tests/test_kind_conformance.py) build, import, preview, lint
        and validate it, so a kind cannot be added without all of that working."""
        ...

    @property
    def tombstone_fields(self) -> tuple[str, ...]:
        """The fields of a note removed from the cards files, telling the student so."""
        ...

    def read(self, reader: Reader, node: yaml.Node, context: FileContext) -> Item | None:
        """One item of the section, or None when it has problems (reported to ``reader``)."""
        ...

    def schema(self, parts: SchemaParts) -> dict[str, Schema]:
        """The JSON-schema definitions of its items by name, the item's own first (what
        ``lmndeck schema`` writes for editors); none for a kind without a section."""
        ...

    @property
    def numbered(self) -> bool:
        """Whether its notes' cards are numbered per card key (see ``numbering``); if not, a
        note has one fixed card."""
        ...

    def ords(self, numbers: Mapping[str, int]) -> tuple[int, ...]:
        """The note's cards (Anki's template ordinals) for its card numbers."""
        ...

    def numbers_in(self, fields: tuple[str, ...], note: PlannedNote | None) -> Numbers:
        """The card numbers a note of an earlier build shows in its fields (to recover a lost
        lock from a deck); ``note`` is the note of its key today, if any."""
        ...


class _Fact(Protocol):
    @property
    def tags(self) -> tuple[str, ...]: ...
    @property
    def source(self) -> SourceRef: ...
    @property
    def was(self) -> tuple[PreviousId, ...]: ...


class _LintedFact(_Fact, Protocol):
    @property
    def id(self) -> str: ...
    @property
    def position(self) -> Position: ...
    @property
    def extra(self) -> str: ...
    @property
    def lint_ignore(self) -> frozenset[str]: ...


def fact_lint_text(
    fact: _LintedFact, cards: Iterable[CardText], texts: Iterable[str], statement: str
) -> LintText:
    """A fact's ``LintText`` (of any kind): its cards, the texts of its own keys and its extra,
    at the fact's place; what it cites is the fact's source."""
    where, ignored = fact.position, fact.lint_ignore
    timed = f"write the second it is said at, e.g. source: {fact.source.source.name} 08:09"
    return LintText(
        fact.id,
        where,
        ignored,
        tuple(cards),
        tuple(Written(text, where, ignored) for text in (*texts, fact.extra)),
        (Citation(f"the fact '{fact.id}'", fact.source, where, ignored, timed),),
        statement,
    )


class FactNote:
    """What the note of a 'facts:' item (of any kind) takes from its fact: its tags, and its
    previous keys from the fact's 'was:' (a fact's note is keyed 'fact/<id>')."""

    fact: _Fact

    @property
    def tags(self) -> tuple[str, ...]:
        return self.fact.tags

    @property
    def source(self) -> SourceRef:
        return self.fact.source

    @property
    def previous_keys(self) -> tuple[str, ...]:
        return tuple(f"fact/{previous.id}" for previous in self.fact.was)


class OneCardKind:
    """What a kind whose notes have one fixed card each (cells, discrimination, basic) answers."""

    numbered = False

    def ords(self, numbers: Mapping[str, int]) -> tuple[int, ...]:
        return (0,)

    def numbers_in(self, fields: tuple[str, ...], note: PlannedNote | None) -> Numbers:
        return Numbers({}, {})


def deletion_ords(numbers: Mapping[str, int]) -> tuple[int, ...]:
    """The cards of a cloze note type's note: card number N is Anki's ordinal N - 1."""
    return tuple(sorted(number - 1 for number in numbers.values()))


REMOVED_TEXT = "This note was removed from the deck's source files."
REMOVED_HELP = (
    f"Search <code>tag:{REMOVED_TAG}</code> in the browser to find and delete such notes."
)


# The keys of FactFields in a fact's YAML (after the kind's own keys: see each kind's keys).
FACT_FIELD_KEYS = ("extra", "image", "tags", "source", "was", "draft", "lint")


class FactFields(TypedDict):
    """What every kind of fact has besides its own keys, as its dataclass names it."""

    id: str
    extra: str
    tags: tuple[str, ...]
    source: SourceRef
    position: Position
    was: tuple[PreviousId, ...]
    image: Image | None
    draft: bool
    lint_ignore: frozenset[str]


def read_fact_fields(
    reader: Reader, node: yaml.Node, entries: dict[str, yaml.Node], context: FileContext
) -> FactFields | None:
    """The keys a fact of every kind has (id, extra, image, tags, source, was, draft, lint),
    read in one place; None when one is wrong (and reported)."""
    fact_id = reader.entry_id(entries)
    extra = reader.extra(entries)
    tags = context.tags + reader.tags(entries.get("tags"))
    cited = source_ref(reader, entries.get("source"), context.sources, context.cited)
    ref = required_source(reader, node, cited, "the fact")
    was = reader.previous_ids(entries, fact_id, "fact")
    image = read_image(reader, entries.get("image"), context.cards_dir)
    draft = reader.draft(entries)
    ignored = reader.ignored_rules(entries)
    if fact_id is None or extra is None or ref is None or draft is None:
        return None
    return FactFields(
        id=fact_id,
        extra=extra,
        tags=reader.shared(unique(tags)),
        source=ref,
        position=reader.where(node),
        was=was,
        image=image,
        draft=draft,
        lint_ignore=ignored,
    )
