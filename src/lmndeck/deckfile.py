"""One cards file's nodes -> a DeckFile: its deck, tags and sources, then each kind's section.

Every problem is collected (not just the first), each pointing at the node it is about.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import yaml

from lmndeck.kinds import KINDS
from lmndeck.kinds.base import DeckFile, FileContext, Item, Kind
from lmndeck.problems import Code, Position, Problem
from lmndeck.reader import ID, Reader, key_nodes, unique
from lmndeck.reserved import REMOVED_DECK, is_reserved_deck
from lmndeck.sources import NOT_CITED, read_sources, source_ref
from lmndeck.tags import normalize_deck

SECTIONS = tuple(dict.fromkeys(kind.section for kind in KINDS if kind.section))
FILE_KEYS = ("deck", "tags", "source", "sources", *SECTIONS)
# A deck is never named for the author (after the file or its folder): students find their
# cards by the deck's name, and a name that changed with a file's would move them.
DECK_HINT = (
    "start the file with 'deck: Name', the Anki deck its cards go into ('::' makes subdecks, "
    "e.g. deck: Neurology::Motor); lmndeck never names a deck after the file or its folder"
)


@dataclass(frozen=True)
class ReadFile:
    """A cards file as read: its deck file when it has no problems, and the id of every item
    written with a valid one, problems or not, so that duplicate ids are found at once."""

    deck_file: DeckFile | None
    problems: list[Problem]
    ids: list[tuple[str, Position]]
    rule_names: tuple[tuple[str, Position], ...] = ()  # see ``Reader.rule_names``


def read_deck_file(root: yaml.Node | None, path: str, cards_dir: Path) -> ReadFile:
    """The typed deck file for one document, and every problem found in it; its images are
    read from ``cards_dir``."""
    reader = Reader(path)
    if root is None:
        empty = Problem(
            Position(path, 1, 1),
            "the file is empty",
            "start it with 'deck: Name'",
            code=Code.EMPTY_FILE,
        )
        return ReadFile(None, [empty], [])
    if isinstance(root, yaml.SequenceNode):  # the facts, '- id: ...', without their file
        message = "a cards file must be a mapping of keys to values, not a list"
        hint = "start the file with 'deck: Name', then 'facts:' with the items indented under it"
        reader.report(root, Code.WRONG_TYPE, message, hint)
        return ReadFile(None, reader.problems, [])
    top = reader.mapping(root, "a cards file", FILE_KEYS, ("deck",), {"deck": DECK_HINT})
    if top is None:
        return ReadFile(None, reader.problems, [])
    deck = _deck(reader, top.get("deck"))
    sources = read_sources(reader, top.get("sources"))
    tags = reader.tags(top.get("tags"))
    cited = source_ref(reader, top.get("source"), sources, NOT_CITED)
    context = FileContext(tags, sources, cited, cards_dir)
    items: dict[str, list[Item]] = {kind.name: [] for kind in KINDS}
    ids: list[tuple[str, Position]] = []
    seen: set[int] = set()  # item nodes: one used again through an alias is not a second item
    for section in SECTIONS:
        for written in reader.items(top.get(section), section):
            node = _as_meant(reader, written, section)
            kind = _kind_of(node, section)
            item = kind.read(reader, node, context)
            if item is not None:
                items[kind.name].append(item)
                ids.append((item.id, item.position))
            elif id(written) not in seen and (written_id := _written_id(node)):
                ids.append((written_id, reader.where(node)))
            seen.add(id(written))
    sections = tuple((name, tuple(found)) for name, found in items.items())
    if not any(top.get(section) for section in SECTIONS):
        reader.report(
            root,
            Code.NO_ITEMS,
            "the file has " + " and ".join(f"no {section}" for section in SECTIONS),
            "add a " + " or ".join(f"'{section}:'" for section in SECTIONS) + " list",
        )
    if reader.problems or deck is None:
        return ReadFile(None, reader.problems, ids, tuple(reader.rule_names))
    return ReadFile(DeckFile(path, deck, sections), [], ids, tuple(reader.rule_names))


def _as_meant(reader: Reader, node: yaml.Node, section: str) -> yaml.Node:
    """An item of ``section`` with each key that no kind of the section has reported, once.
    One that stands for a key items must have (a synonym, 'question' for a basic card's
    'front', or a close misspelling) is read as that key when the kind the item then is has
    all of its keys, so that this kind reads the item and the key it 'lacks' is no second
    problem; any other is left out."""
    if not isinstance(node, yaml.MappingNode):
        return node
    kinds = sorted((kind for kind in KINDS if kind.section == section), key=_not_default)
    known = unique(tuple(key for kind in kinds for key in kind.keys))
    if all(name in known for _, name in key_nodes(node)):  # most items
        return node
    required = {key for kind in kinds for key in kind.required}
    written = {name for _, name in key_nodes(node)}
    pairs, renamed = [], []
    for key_node, value in node.value:
        name = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if name is None or name in known:
            pairs.append((key_node, value))
            continue
        meant, hint = _meant(name, kinds, known)
        what = f"unknown key '{name}' in a {kinds[0].noun}"
        reader.report(key_node, Code.UNKNOWN_KEY, what, hint)
        if meant in required and meant not in written:
            written.add(meant)
            renamed.append(
                yaml.ScalarNode(key_node.tag, meant, key_node.start_mark, key_node.end_mark)
            )
            pairs.append((renamed[-1], value))
    meant_as = yaml.MappingNode(node.tag, pairs, node.start_mark, node.end_mark, node.flow_style)
    keys = _kind_of(meant_as, section).keys
    if not all(name in keys for _, name in key_nodes(meant_as)):  # 'question:' beside 'text:'
        meant_as.value = [(key, value) for key, value in pairs if key not in renamed]
    return meant_as


def _meant(name: str, kinds: list[Kind], known: tuple[str, ...]) -> tuple[str | None, str]:
    """The key an unknown key of an item of ``kinds`` stands for, if any, and the hint."""
    for kind in kinds:
        meant = dict(kind.synonyms).get(name)
        if meant is not None:
            keys = " and ".join(f"'{key}:'" for key in unique(tuple(k for _, k in kind.synonyms)))
            return meant, f"did you mean '{meant}'? A {kind.noun} is {keys}"
    close = difflib.get_close_matches(name, known, n=1)
    return (close[0], f"did you mean '{close[0]}'?") if close else (None, _expected(kinds))


def _not_default(kind: Kind) -> bool:
    """The section's default kind first (the one without a marker)."""
    return kind.marker is not None


def _expected(kinds: list[Kind]) -> str:
    """The keys of every kind of a section: the default kind's, then each other's own."""
    listed: list[str] = []
    parts: list[str] = []
    for kind in kinds:
        own = [key for key in kind.keys if key not in listed]
        listed += own
        parts.append(f"for a {kind.noun}: {', '.join(own)}" if parts else ", ".join(own))
    return "expected one of: " + "; ".join(parts)


def _kind_of(node: yaml.Node, section: str) -> Kind:
    """The kind an item of ``section`` is: the one whose marker key it has, else the
    section's default kind (which reports what is wrong with an item that fits none)."""
    keys = (
        {str(key.value) for key, _ in node.value if isinstance(key, yaml.ScalarNode)}
        if isinstance(node, yaml.MappingNode)
        else set()
    )
    kinds = [kind for kind in KINDS if kind.section == section]
    return next(
        (kind for kind in kinds if kind.marker in keys),
        next(kind for kind in kinds if kind.marker is None),
    )


def _written_id(node: yaml.Node) -> str | None:
    """The valid id of an item that has problems (which are reported already)."""
    if not isinstance(node, yaml.MappingNode):
        return None
    value = next(
        (
            value
            for key, value in node.value
            if isinstance(key, yaml.ScalarNode) and key.value == "id"
        ),
        None,
    )
    if isinstance(value, yaml.ScalarNode) and ID.match(str(value.value).strip()):
        return str(value.value).strip()
    return None


def _deck(reader: Reader, node: yaml.Node | None) -> str | None:
    text = reader.text(node, "deck") if node else None
    deck = normalize_deck(text) if text else None
    if node is not None and text and not deck:
        reader.report(
            node, Code.INVALID_DECK, f"'{text}' is not a usable deck name", "e.g. Neurology::Motor"
        )
    elif node is not None and deck and is_reserved_deck(deck):
        reader.report(
            node,
            Code.RESERVED_DECK,
            f"the deck name '{REMOVED_DECK}' is reserved for lmndeck",
            "lmndeck puts the notes it removes there, for students to delete; choose another name",
        )
        return None
    return deck
