"""Texts as words, the way lint compares them: without case, markup or punctuation."""

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
