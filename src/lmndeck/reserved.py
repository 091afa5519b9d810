"""Names lmndeck gives its own notes, which authors therefore cannot use.

A student deletes removed notes by searching their tag or deleting their deck; an author's
note carrying that tag or sitting in that deck would be deleted with them.
"""

from __future__ import annotations

from lmndeck.tags import SEPARATOR

REMOVED_TAG = "lmndeck::removed"
# Where earlier lmndeck versions put the cards of removed notes in collections that never had them
# (removed notes come without cards now): students delete this deck in one go, so an author's
# deck may still not have its name.
REMOVED_DECK = "Removed notes (lmndeck)"

_TAG_ROOT = REMOVED_TAG.split(SEPARATOR)[0]


def is_reserved_tag(tag: str) -> bool:
    """'lmndeck' and every tag under it; Anki compares tags ignoring case."""
    return tag.split(SEPARATOR)[0].casefold() == _TAG_ROOT


def is_reserved_deck(name: str) -> bool:
    """The removed-notes deck and its subdecks (deleting a deck deletes its subdecks)."""
    return name.split(SEPARATOR)[0].casefold() == REMOVED_DECK.casefold()
