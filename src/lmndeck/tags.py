"""Tags and deck names normalised the way Anki stores them."""

from __future__ import annotations

import re

SEPARATOR = "::"


def normalize_tag(tag: str) -> str:
    """Anki splits tags on spaces and nests them on '::'; join words with '_' instead."""
    parts = (re.sub(r"[\s\"]+", "_", part.strip()) for part in tag.split(SEPARATOR))
    return SEPARATOR.join(part for part in parts if part.strip("_"))


def normalize_deck(name: str) -> str:
    parts = (" ".join(part.split()) for part in name.split(SEPARATOR))
    return SEPARATOR.join(part for part in parts if part)
