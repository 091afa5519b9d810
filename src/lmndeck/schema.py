"""A JSON Schema (draft 2020-12) of the cards format, for editors: completion of keys, and
mistakes flagged while typing (yaml-language-server reads it from a file's first line).

lmndeck's reader stays the authority (it reports what a schema cannot: cloze syntax, unique
ids, sources that exist); the schema accepts every file the reader accepts. Its keys are the
reader's own key lists, and tests/test_schema.py checks the two agree.
"""

from __future__ import annotations

import json
from typing import Any

from lmndeck.deckfile import FILE_KEYS
from lmndeck.kinds.basic import BASIC_KEYS
from lmndeck.kinds.cloze import FACT_KEYS
from lmndeck.kinds.comparison import CARD_NAMES
from lmndeck.kinds.listing import LIST_KEYS
from lmndeck.kinds.table import CELL_KEYS, COLUMN_KEYS, COMPARISON_KEYS, ROW_KEYS
from lmndeck.rules import RULE_IDS
from lmndeck.sources import SOURCE_KEYS

Schema = dict[str, Any]

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
    "title": {**TEXT, "description": "The table's title."},
    "columns": {
        "type": "object",
        "minProperties": 2,
        "additionalProperties": {"anyOf": [TEXT, _ref("column")]},
        "description": "Column id: its label (or {label: ..., was: ...}).",
    },
    "rows": {"type": "array", "items": _ref("row"), "minItems": 1},
    "cards": {
        "type": "array",
        "items": {"enum": list(CARD_NAMES)},
        "minItems": 1,
        "description": "The kinds of card the table makes (default: both).",
    },
    "deck": {**TEXT, "description": "The deck of the file's notes; '::' makes subdecks."},
    "sources": {
        "type": "object",
        "additionalProperties": _ref("source"),
        "description": "Names you choose, cited by 'source:'.",
    },
    "facts": {"type": "array", "items": _ref("fact")},
    "comparisons": {"type": "array", "items": _ref("comparison")},
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


def _object(where: str, keys: tuple[str, ...], required: tuple[str, ...]) -> Schema:
    return {
        "type": "object",
        "properties": {key: _IN.get((where, key), _KEYS[key]) for key in keys},
        "required": list(required),
        "additionalProperties": False,
    }


def _row() -> Schema:
    """A row: its own keys, and a cell under each column id."""
    row = _object("row", ROW_KEYS, ("feature",))
    row["additionalProperties"] = {"anyOf": [TEXT, _ref("cell")]}
    return row


def cards_schema() -> Schema:
    """The schema of one cards file."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "lmndeck cards file",
        "description": "Facts and comparison tables that lmndeck builds into an Anki deck.",
        **_object("file", FILE_KEYS, ("deck",)),
        "$defs": {
            "id": ID,
            "source": _object("source", SOURCE_KEYS, ("title",)),
            # A fact's kind is told by its marker key: 'front:' a basic card, 'list:' a list.
            "fact": {
                "if": {"type": "object", "required": ["front"]},
                "then": _ref("basic"),
                "else": {
                    "if": {"type": "object", "required": ["list"]},
                    "then": _ref("list"),
                    "else": _ref("cloze"),
                },
            },
            "cloze": _object("cloze", FACT_KEYS, ("id", "text")),
            "basic": _object("basic", BASIC_KEYS, ("id", "front", "back")),
            "list": _object("list", LIST_KEYS, ("id", "text", "list")),
            "comparison": _object(
                "comparison", COMPARISON_KEYS, ("id", "title", "columns", "rows")
            ),
            "column": _object("column", COLUMN_KEYS, ("label",)),
            "row": _row(),
            "cell": _object("cell", CELL_KEYS, ("text",)),
        },
    }


def schema_text() -> str:
    return json.dumps(cards_schema(), indent=2, ensure_ascii=False) + "\n"
