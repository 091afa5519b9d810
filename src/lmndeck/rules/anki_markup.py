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

from lmndeck.kinds.cloze import ClozeFact
from lmndeck.kinds.listing import ListFact
from lmndeck.problems import Code, Level, Position
from lmndeck.project import Project
from lmndeck.rules.base import Fact, Finding, Options, cells, comparisons, facts

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
    for fact in facts(project):
        for text in _fact_texts(fact):
            yield from _findings(text, fact.position, fact.lint_ignore)
    for comparison in comparisons(project):
        texts = [comparison.title, comparison.extra, *(c.label for c in comparison.columns)]
        for text in texts:
            yield from _findings(text, comparison.position, comparison.lint_ignore)
        for row in comparison.rows:
            ignored = row.lint_ignore | comparison.lint_ignore
            yield from _findings(row.feature, row.position or comparison.position, ignored)
    for placed in cells(project):
        yield from _findings(placed.cell.text, placed.position, placed.ignored)


def _fact_texts(fact: Fact) -> list[str]:
    if isinstance(fact, ClozeFact):
        parts = [part if isinstance(part, str) else part.answer for part in fact.parts]
        return [*parts, *(deletion.hint or "" for deletion in fact.deletions), fact.extra]
    if isinstance(fact, ListFact):
        return [fact.prompt, *fact.items, fact.extra]
    return [fact.front, fact.back, fact.extra]


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
