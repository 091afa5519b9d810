"""List facts: a `facts:` item with `list:`, one note with a card per item (overlapping cloze).

SuperMemo's rule for enumerations: never ask a whole list at once. Each item's card asks that
item with the items before it shown as context (the front hides the items after it), and its
back shows the whole list with the asked item marked. An item's card key is its text, so its
card (and review history) stays when items are reordered or reworded one for one; a removed
item's number is never given to another item (see ``numbering``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import yaml

from lmndeck.kinds.base import (
    FACT_FIELD_KEYS,
    REMOVED_HELP,
    REMOVED_TEXT,
    CardText,
    FactNote,
    FileContext,
    LintText,
    PlannedNote,
    Schema,
    SchemaParts,
    Written,
    deletion_ords,
    fact_lint_text,
    read_fact_fields,
)
from lmndeck.kinds.cloze import OPEN, card_numbers, normal
from lmndeck.markup import inline
from lmndeck.media import Image, extra_html
from lmndeck.model import PreviousId, SourceRef
from lmndeck.notetypes import ANKI_CLOZE, NoteType
from lmndeck.numbering import Numbers
from lmndeck.problems import Code, Position, Problem
from lmndeck.reader import Reader
from lmndeck.sources import source_html
from lmndeck.wording import text_key

LIST_KEYS = ("id", "text", "list", "ordered", *FACT_FIELD_KEYS)
LIST_REQUIRED = ("id", "text", "list")
ORDER_MATTERS = "in order"


@dataclass(frozen=True)
class ListFact:
    id: str
    prompt: str
    items: tuple[str, ...]
    ordered: bool
    extra: str
    tags: tuple[str, ...]
    source: SourceRef
    position: Position
    was: tuple[PreviousId, ...] = ()
    image: Image | None = None
    draft: bool = False
    lint_ignore: frozenset[str] = frozenset()  # lint rules switched off for this fact
    item_positions: tuple[Position, ...] = field(default=(), compare=False)  # for lint

    def notes(self, deck: str) -> tuple[ListNote]:
        return (ListNote(f"fact/{self.id}", deck, self),)

    def lint_text(self) -> LintText:
        """A card per item, its front the prompt and the items before it; no-context counts
        the prompt once, on the first card."""
        ignored = self.lint_ignore
        positions = self.item_positions or tuple(self.position for _ in self.items)
        cards = (
            CardText(
                (Written(item, where, ignored),),
                (self.prompt, *self.items[:number]),
                self.position,
                ignored,
                context=None if number else self.prompt,
            )
            for number, (item, where) in enumerate(zip(self.items, positions, strict=True))
        )
        texts = (self.prompt, *self.items)
        return fact_lint_text(self, cards, texts, " ".join(texts))


@dataclass(frozen=True)
class ListNote(FactNote):
    key: str
    deck: str
    fact: ListFact

    @property
    def kind(self) -> Listing:
        return KIND

    @property
    def card_keys(self) -> tuple[str, ...]:
        """One key per item, in list order."""
        return tuple(text_key(item) for item in self.fact.items)

    def fields(self, numbers: Mapping[str, int]) -> tuple[str, ...]:
        fact = self.fact
        return (
            prompt_html(fact),
            items_html(fact, numbers),
            extra_html(fact.extra, fact.image),
            source_html(fact.source),
        )


LIST = NoteType.numbered(
    kind="list",
    model_id=1_732_400_000_108,
    name="lmndeck list",
    fields=("Prompt", "Items", "Extra", "Source"),
    template_name="Item",
    anki_type=ANKI_CLOZE,
    ids=7_301_128_000,
)


class Listing:
    name = "list"
    section = "facts"
    marker = "list"
    noun = "list fact"
    cards_noun = "list"
    keys = LIST_KEYS
    required = LIST_REQUIRED
    synonyms = ()
    note_type = LIST
    example = """\
facts:
  - id: lmn-lesion-signs
    text: Signs of an LMN lesion
    list: [Weakness, Atrophy, Fasciculations, Hypotonia, Hyporeflexia]
"""
    tombstone_fields = ("Removed", f"{{{{c1::Removed}}}}: {REMOVED_TEXT}", REMOVED_HELP, "")

    def read(self, reader: Reader, node: yaml.Node, context: FileContext) -> ListFact | None:
        return read_list_fact(reader, node, context)

    def schema(self, parts: SchemaParts) -> dict[str, Schema]:
        return {"list": parts.object("list", LIST_KEYS, LIST_REQUIRED)}

    numbered = True

    def ords(self, numbers: Mapping[str, int]) -> tuple[int, ...]:
        return deletion_ords(numbers)

    def numbers_in(self, fields: tuple[str, ...], note: PlannedNote | None) -> Numbers:
        today = (
            {text_key(item): [normal(item_html(item))] for item in note.fact.items}
            if isinstance(note, ListNote)
            else {}
        )
        return card_numbers(fields[1], today)


KIND = Listing()


def read_list_fact(reader: Reader, node: yaml.Node, context: FileContext) -> ListFact | None:
    entries = reader.mapping(node, "a list fact", LIST_KEYS, LIST_REQUIRED)
    if entries is None:
        return None
    prompt = reader.entry_text(entries, "text")
    listed = _items(reader, entries["list"]) if "list" in entries else None
    ordered = reader.flag(entries.get("ordered"), "ordered", "when the order of the items matters")
    common = read_fact_fields(reader, node, entries, context)
    if prompt is None or listed is None or ordered is None or common is None:
        return None
    items, positions = listed
    return ListFact(prompt=prompt, items=items, ordered=ordered, item_positions=positions, **common)


def _items(reader: Reader, node: yaml.Node) -> tuple[tuple[str, ...], tuple[Position, ...]] | None:
    """The list's items and their places: text, at least two, no two alike, none with a
    deletion."""
    nodes = reader.sequence(node, "list")
    if not isinstance(node, yaml.SequenceNode):
        return None
    before = len(reader.problems)
    items: list[str] = []
    positions: list[Position] = []
    first: dict[str, yaml.Node] = {}
    for item_node in nodes:
        item = reader.text(item_node, "a list item")
        if item is None:
            continue
        if OPEN in item:
            assert isinstance(item_node, yaml.ScalarNode)
            reader.problems.append(
                Problem(
                    reader.offset_position(item_node, item, item.index(OPEN)),
                    "a list item cannot contain a deletion",
                    "each item is asked on a card of its own: write the item without '{{ }}'",
                    code=Code.DELETION_IN_LIST,
                )
            )
            continue
        key = text_key(item)
        if key in first:
            reader.report(
                item_node,
                Code.DUPLICATE_ITEM,
                f"the item '{item}' is in the list twice "
                f"(the first at line {reader.where(first[key]).line})",
                "each item gets a card of its own: remove one, or tell them apart",
            )
            continue
        first[key] = item_node
        items.append(item)
        positions.append(reader.where(item_node))
    if len(reader.problems) > before:
        return None
    if len(items) < 2:
        reader.report(
            node,
            Code.TOO_FEW_ITEMS,
            "a list fact needs at least two items",
            "add items as lines starting with '- ', or write a single answer as a cloze "
            "fact: text: ... {{answer}}",
        )
        return None
    return tuple(items), tuple(positions)


def prompt_html(fact: ListFact) -> str:
    order = f' <span class="lmn-order">({ORDER_MATTERS})</span>' if fact.ordered else ""
    return inline(fact.prompt) + order


def items_html(fact: ListFact, numbers: Mapping[str, int]) -> str:
    """The Items field: the list, each item one deletion of its own card."""
    tag = "ol" if fact.ordered else "ul"
    items = "".join(
        f"<li>{{{{c{numbers[text_key(item)]}::{item_html(item)}}}}}</li>" for item in fact.items
    )
    return f'<{tag} class="lmn-items">{items}</{tag}>'


def item_html(item: str) -> str:
    """An item's HTML inside a deletion. Anki would read '::' (or a leading ':') as the start
    of a hint and '}' as the deletion's end, so those characters are written as entities: shown
    the same, never read as markup. A lone ':' stays as typed (Anki copies the answer into an
    attribute, where an entity would be shown escaped)."""
    html = inline(item).replace("}", "&#125;").replace("::", ":&#58;")
    return "&#58;" + html[1:] if html.startswith(":") else html
