"""anki-markup: text that looks like Anki's or HTML's markup.

lmndeck shows every text as typed: it escapes HTML and makes Anki's own syntax inert (see the
README), so that no card breaks or plays, typesets or hides something by accident. Text such as
``{{c1::...}}`` outside a cloze fact, ``{{Front}}``, ``[sound:x.mp3]``, ``[$]x[/$]``,
``\\(x\\)``, ``[[type:Back]]``, ``<b>`` or ``&nbsp;`` is then shown on the card literally, which
is almost never what its author meant (formulating knowledge: a card is read, not decoded):
they probably pasted it from Anki or a web page. Checked: every text of every fact, comparison,
row, column and cell, and every 'extra'.

Options: none.

Bad::

    - id: babinski
      front: What is a <b>positive</b> Babinski sign?
      back: "[sound:babinski.mp3] dorsiflexion of the great toe"

Good::

    - id: babinski
      front: What is a **positive** Babinski sign?
      back: dorsiflexion of the great toe
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lmndeck.problems import Code, Level, Position
from lmndeck.project import Project
from lmndeck.rules.base import Finding, Options, linted

ID = Code.ANKI_MARKUP
LEVEL = Level.WARNING
OPTIONS: Options = {}

# What each construct is, in the order they are looked for (the first found is reported).
_MARKUP = (
    (re.compile(r"\{\{\s*c\d+::"), "Anki's cloze syntax", "write a cloze fact with {{answer}}"),
    (re.compile(r"\{\{[^{}]*\}\}"), "an Anki field or deletion in braces", "write plain text"),
    (re.compile(r"\[sound:", re.I), "Anki's sound tag", "lmndeck plays no sound: remove it"),
    (
        re.compile(r"\[/?(?:\$\$?|latex)\]", re.I),
        "Anki's LaTeX markup",
        "write the formula as text",
    ),
    (re.compile(r"\\[(\[]"), "MathJax markup", "write the formula as text"),
    (re.compile(r"\[\[type:|\[/?anki:", re.I), "Anki's template markup", "remove it"),
    (
        re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>"),
        "an HTML tag",
        "write **bold** or *italic*; lmndeck shows HTML as text",
    ),
    (
        re.compile(r"&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);"),
        "an HTML entity",
        "type the character itself",
    ),
)


def check(project: Project, options: Options) -> Iterator[Finding]:
    for item in linted(project):
        for written in item.written:
            yield from _findings(written.text, written.position, written.ignored)


def _findings(text: str, where: Position, ignored: frozenset[str]) -> Iterator[Finding]:
    for pattern, what, hint in _MARKUP:
        found = pattern.search(text)
        if found:
            yield Finding(
                where,
                f"'{found[0]}' looks like {what}; lmndeck shows it on the card as typed",
                hint,
                ignored,
            )
            return
