"""A JSON Schema (draft 2020-12) of the cards format, for editors: completion of keys, and
mistakes flagged while typing (yaml-language-server reads it from a file's first line).

lmndeck's reader stays the authority (it reports what a schema cannot: cloze syntax, unique
ids, sources that exist); the schema accepts every file the reader accepts. Its keys are the
reader's own key lists: each kind writes its items' part (``Kind.schema``) from its own, and
tests/test_schema.py checks the two agree. The keys are described here, each once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from lmndeck.deckfile import FILE_KEYS, SECTIONS
from lmndeck.kinds import KINDS
from lmndeck.kinds.base import Schema
from lmndeck.rules import RULE_IDS
from lmndeck.sources import SOURCE_KEYS

# Every value is read as the text typed, so a YAML reader's numbers and booleans are text too.
TEXT: Schema = {"type": ["string", "number", "boolean"]}
OPTIONAL_TEXT: Schema = {"type": ["string", "number", "boolean", "null"]}
FLAG: Schema = {"enum": [True, False, "true", "false", "True", "False", "TRUE", "FALSE"]}
ID: Schema = {
    "type": ["string", "number"],
    "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]*$",
    "description": "Stable and unique across all files: letters, digits, '.', '_' and '-'.",
}


def _ref(name: str) -> Schema:
    return {"$ref": f"#/$defs/{name}"}


def _one_or_list(item: Schema) -> Schema:
    return {"anyOf": [item, {"type": "array", "items": item}]}


# What each key of the format means; a key's schema is looked up by (where, key), then key.
_KEYS: dict[str, Schema] = {
    "id": _ref("id"),
    "was": {
        **_one_or_list(_ref("id")),
        "description": "The ids it had before (newest first): a rename keeps its reviews.",
    },
    "tags": {**_one_or_list(TEXT), "description": "Tags added to its notes."},
    "source": {
        **TEXT,
        "description": "A source of 'sources:', and for a video its time: 'video 08:09'.",
    },
    "extra": {**OPTIONAL_TEXT, "description": "Shown on the back of its cards."},
    "lint": {
        "type": "object",
        "properties": {"ignore": _one_or_list({"enum": list(RULE_IDS)})},
        "additionalProperties": False,
        "description": "Lint rules this item switches off: {ignore: [long-answer, ...]}.",
    },
    "image": {
        **TEXT,
        "description": "An image file (relative to the cards directory) shown on the back.",
    },
    "draft": {
        **FLAG,
        "description": "true: checked, but left out of the deck until reviewed (build warns).",
    },
    "text": {**TEXT, "description": "The fact, its answers as {{deletions}}."},
    "front": {**TEXT, "description": "A basic card's question."},
    "back": {**TEXT, "description": "A basic card's answer."},
    "reverse": {**FLAG, "description": "true adds the back -> front card."},
    "list": {
        "type": "array",
        "items": TEXT,
        "minItems": 2,
        "description": "A list fact's items: one card each (overlapping cloze).",
    },
    "ordered": {**FLAG, "description": "true when the order of the items matters."},
    "title": {**TEXT, "description": "The comparison's title."},
    "columns": {
        "type": "object",
        "minProperties": 2,
        "additionalProperties": {"anyOf": [TEXT, _ref("column")]},
        "description": "Column id: its label (or {label: ..., was: ...}).",
    },
    "rows": {"type": "array", "items": _ref("row"), "minItems": 1},
    "deck": {**TEXT, "description": "The deck of the file's notes; '::' makes subdecks."},
    "sources": {
        "type": "object",
        "additionalProperties": _ref("source"),
        "description": "Names you choose, cited by 'source:'.",
    },
    "feature": {**TEXT, "description": "The row's label; its slug is the row's id by default."},
    "label": TEXT,
    "discrimination": {**FLAG, "description": "false: the cell makes no discrimination card."},
    "youtube": {**TEXT, "description": "The 11-character id from the video's address."},
    "author": OPTIONAL_TEXT,
    "url": OPTIONAL_TEXT,
}
_IN: dict[tuple[str, str], Schema] = {
    ("source", "title"): {**TEXT, "description": "The source's title, shown on the cards."},
}


class _Parts:
    """What the kinds build their schemas of (see ``kinds.base.SchemaParts``)."""

    text = TEXT

    def object(
        self,
        where: str,
        keys: tuple[str, ...],
        required: tuple[str, ...],
        own: Mapping[str, Schema] | None = None,
    ) -> Schema:
        described = {**_KEYS, **(own or {})}
        return {
            "type": "object",
            "properties": {key: _IN.get((where, key), described[key]) for key in keys},
            "required": list(required),
            "additionalProperties": False,
        }

    def ref(self, name: str) -> Schema:
        return _ref(name)


_PARTS = _Parts()


def _sections() -> tuple[dict[str, Schema], dict[str, Schema]]:
    """Each section's key (a list of its items) and the definitions of its items: the kinds'
    own, and for a section of several kinds one telling them apart by their marker keys (a
    fact with 'front:' is a basic card, with 'list:' a list, else a cloze fact)."""
    keys: dict[str, Schema] = {}
    definitions: dict[str, Schema] = {}
    for section in SECTIONS:
        kinds = [kind for kind in KINDS if kind.section == section]
        own = {kind.name: kind.schema(_PARTS) for kind in kinds}
        (default,) = (kind for kind in kinds if kind.marker is None)
        item = _ref(_first(own[default.name]))
        for kind in reversed(kinds):
            if kind.marker is not None:
                marked = {"type": "object", "required": [kind.marker]}
                item = {"if": marked, "then": _ref(_first(own[kind.name])), "else": item}
        if len(kinds) > 1:
            definitions[default.noun] = item
            item = _ref(default.noun)
        keys[section] = {"type": "array", "items": item}
        for kind in kinds:
            definitions.update(own[kind.name])
    return keys, definitions


def _first(definitions: dict[str, Schema]) -> str:
    return next(iter(definitions))


def cards_schema() -> Schema:
    """The schema of one cards file."""
    sections, definitions = _sections()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "lmndeck cards file",
        "description": "Facts and comparisons that lmndeck builds into an Anki deck.",
        **_PARTS.object("file", FILE_KEYS, ("deck",), sections),
        "$defs": {
            "id": ID,
            "source": _PARTS.object("source", SOURCE_KEYS, ("title",)),
            **definitions,
        },
    }


def schema_text() -> str:
    return json.dumps(cards_schema(), indent=2, ensure_ascii=False) + "\n"
