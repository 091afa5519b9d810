"""Basic cards: a `facts:` item with `front:` and `back:` — a question and its answer.

`reverse: true` adds the back -> front card. The reverse card is a note of its own (key
`fact/<id>/reverse`, one card), not a second template of one note: turning `reverse` off then
removes it the way every removed note is removed (a tombstone the student can find), and
turning it on again brings the same note back with its review history.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import yaml

from lmndeck.kinds.base import (
    FACT_FIELD_KEYS,
    REMOVED_HELP,
    REMOVED_TEXT,
    CardText,
    FactNote,
    FileContext,
    LintText,
    OneCardKind,
    Schema,
    SchemaParts,
    Written,
    fact_lint_text,
    read_fact_fields,
)
from lmndeck.markup import inline
from lmndeck.media import Image, extra_html
from lmndeck.model import PreviousId, SourceRef
from lmndeck.notetypes import ANKI_FRONT_BACK, NoteType
from lmndeck.problems import Position
from lmndeck.reader import Reader
from lmndeck.sources import source_html

BASIC_KEYS = ("id", "front", "back", "reverse", *FACT_FIELD_KEYS)
BASIC_REQUIRED = ("id", "front", "back")
REVERSE = "/reverse"


@dataclass(frozen=True)
class BasicFact:
    id: str
    front: str
    back: str
    reverse: bool
    extra: str
    tags: tuple[str, ...]
    source: SourceRef
    position: Position
    was: tuple[PreviousId, ...] = ()
    image: Image | None = None
    draft: bool = False
    lint_ignore: frozenset[str] = frozenset()  # lint rules switched off for this fact

    def lint_text(self) -> LintText:
        where, ignored = self.position, self.lint_ignore
        sides = [(self.front, self.back)] + [(self.back, self.front)] * self.reverse
        cards = (
            CardText(
                (Written(back, where, ignored),),
                (front,),
                where,
                ignored,
                context=None if number else front,
                terse=True,
            )
            for number, (front, back) in enumerate(sides)
        )
        texts = (self.front, self.back)
        return fact_lint_text(self, cards, texts, f"{self.front} {self.back}")

    def notes(self, deck: str) -> tuple[BasicNote, ...]:
        forward = BasicNote(f"fact/{self.id}", deck, self, reverse=False)
        if not self.reverse:
            return (forward,)
        return forward, BasicNote(f"fact/{self.id}{REVERSE}", deck, self, reverse=True)


@dataclass(frozen=True)
class BasicNote(FactNote):
    key: str
    deck: str
    fact: BasicFact
    reverse: bool

    @property
    def kind(self) -> Basic:
        return KIND

    @property
    def card_keys(self) -> tuple[str, ...]:
        return ()

    @property
    def previous_keys(self) -> tuple[str, ...]:
        suffix = REVERSE if self.reverse else ""
        return tuple(f"fact/{previous.id}{suffix}" for previous in self.fact.was)

    def fields(self, numbers: Mapping[str, int]) -> tuple[str, ...]:
        fact = self.fact
        asked, answer = (fact.back, fact.front) if self.reverse else (fact.front, fact.back)
        extra = extra_html(fact.extra, fact.image)
        return (inline(asked), inline(answer), extra, source_html(fact.source))


BASIC = NoteType.numbered(
    kind="basic",
    model_id=1_732_400_000_109,
    name="lmndeck basic",
    fields=("Front", "Back", "Extra", "Source"),
    template_name="Card",
    anki_type=ANKI_FRONT_BACK,
    ids=7_301_129_000,
)


class Basic(OneCardKind):
    name = "basic"
    section = "facts"
    marker = "front"
    noun = "basic card"
    cards_noun = "basic"
    keys = BASIC_KEYS
    required = BASIC_REQUIRED
    synonyms = (("question", "front"), ("q", "front"), ("answer", "back"), ("a", "back"))
    note_type = BASIC
    example = """\
facts:
  - id: lmn-abbreviation
    front: "Abbreviation: LMN"
    back: Lower motor neuron
    reverse: true
"""
    tombstone_fields = ("Removed", REMOVED_TEXT, REMOVED_HELP, "")

    def read(self, reader: Reader, node: yaml.Node, context: FileContext) -> BasicFact | None:
        return read_basic_fact(reader, node, context)

    def schema(self, parts: SchemaParts) -> dict[str, Schema]:
        return {"basic": parts.object("basic", BASIC_KEYS, BASIC_REQUIRED)}


KIND = Basic()


def read_basic_fact(reader: Reader, node: yaml.Node, context: FileContext) -> BasicFact | None:
    entries = reader.mapping(node, "a basic card", BASIC_KEYS, BASIC_REQUIRED)
    if entries is None:
        return None
    front = reader.entry_text(entries, "front")
    back = reader.entry_text(entries, "back")
    reverse = reader.flag(entries.get("reverse"), "reverse", "to add the back -> front card")
    common = read_fact_fields(reader, node, entries, context)
    if front is None or back is None or reverse is None or common is None:
        return None
    return BasicFact(front=front, back=back, reverse=reverse, **common)
