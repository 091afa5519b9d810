"""Texts as words, the way lint compares them: without case, markup or punctuation; and what
a comparison's cell says, the way its row's cells are told apart."""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The words of a text, without case, markup or punctuation: what the rules compare."""
    return _WORD.findall(text.casefold())


def contains_words(text: str, phrase: str) -> bool:
    """Whether ``phrase`` is in ``text`` as whole words (without case, spacing, punctuation)."""
    wanted = words(phrase)
    return bool(wanted) and f" {' '.join(wanted)} " in f" {' '.join(words(text))} "


def offers_choices(hint: str) -> bool:
    """Whether a hint offers the answer among alternatives ("UMN or LMN?"): a fair question,
    not a leak."""
    return "or" in words(hint) or "/" in hint


def text_key(text: str) -> str:
    """What identifies a text across edits (a list item, a deletion's answer, a cell among its
    row's): its characters, whatever its spacing and case."""
    return " ".join(text.split()).casefold()


# What a value says: numbers (decimals whole), words, and every other symbol but punctuation and
# Markdown-like emphasis, which say nothing of the value.
_SAID = re.compile(r"\d+(?:[.,]\d+)*|\w+|[^\w\s.,;:!?'\"()\[\]*_`]")
# the minus sign, the hyphens and the en dash as one dash: a range or a minus however typed
_DASHES = str.maketrans({"\u2212": "-", "\u2010": "-", "\u2011": "-", "\u2013": "-"})


def said(text: str) -> tuple[str, ...]:
    """What a value (a comparison's cell) says, as compared with the others of its row:
    '< 7.30' and '> 7.30' differ, 'Present.', '*present*' and 'present' not, nor a range
    written with an en dash and with a hyphen."""
    return tuple(_SAID.findall(text.casefold().translate(_DASHES)))
