"""answer-leak: a card whose front contains its own answer.

A card is a question; when its front already says the answer, the student reads it instead of
recalling it, and the card trains reading, not memory (formulating knowledge: the front gives
the cue, never the answer). Found, case-insensitively and as whole words:

- a cloze deletion whose answer is in the visible text of its own card's front: the fact's text
  around it, the other deletions' answers (Anki shows them) and its own hint, unless the hint
  offers the answer among choices ("UMN or LMN?", "a/b"), which is a fair question;
- a basic card whose back is on its front (with ``reverse: true``, also its front on its back);
- a list item already in the list's prompt, or inside an item shown before it;
- a comparison cell whose text is in its card's front: the comparison's title, the row's feature
  or the column's label. (A cell naming its own column on a discrimination card is the error
  ``answer-in-cell``.)

Options: none.

Bad::

    - id: lmn-definition
      text: A lower motor neuron lesion is a lesion of the {{lower motor neuron}}.

Good::

    - id: lmn-definition
      text: An LMN lesion is a lesion of the neurons from the {{anterior horn}} to the muscle.
"""

from __future__ import annotations

from collections.abc import Iterator

from lmndeck.problems import Code, Level
from lmndeck.project import Project
from lmndeck.rules.base import (
    Finding,
    Options,
    basic_facts,
    cells,
    cloze_cards,
    cloze_facts,
    contains_words,
    deletion_places,
    list_facts,
)

ID = Code.ANSWER_LEAK
LEVEL = Level.WARNING
OPTIONS: Options = {}

_HINT = "reword the front so that it asks without saying the answer"


def check(project: Project, options: Options) -> Iterator[Finding]:
    yield from _cloze(project)
    yield from _basic(project)
    yield from _lists(project)
    yield from _cells(project)


def _cloze(project: Project) -> Iterator[Finding]:
    for fact in cloze_facts(project):
        places = {id(deletion): where for deletion, where in deletion_places(fact)}
        for asked, front in cloze_cards(fact, choices=False):
            for deletion in asked:
                if contains_words(front, deletion.answer):
                    yield Finding(
                        places[id(deletion)],
                        f"the front of the card of '{deletion.answer}' already says "
                        f"'{deletion.answer}'",
                        _HINT,
                        fact.lint_ignore,
                    )


def _basic(project: Project) -> Iterator[Finding]:
    for fact in basic_facts(project):
        sides = [(fact.front, fact.back)] + ([(fact.back, fact.front)] if fact.reverse else [])
        for front, back in sides:
            if contains_words(front, back):
                yield Finding(
                    fact.position,
                    f"the front '{front}' already says its answer '{back}'",
                    _HINT,
                    fact.lint_ignore,
                )


def _lists(project: Project) -> Iterator[Finding]:
    for fact in list_facts(project):
        positions = fact.item_positions or tuple(fact.position for _ in fact.items)
        for number, (item, where) in enumerate(zip(fact.items, positions, strict=True)):
            shown = [fact.prompt, *fact.items[:number]]
            if any(contains_words(text, item) for text in shown):
                yield Finding(
                    where,
                    f"the item '{item}' is already on its card's front (the prompt or an item "
                    "before it)",
                    _HINT + ", or merge the items",
                    fact.lint_ignore,
                )


def _cells(project: Project) -> Iterator[Finding]:
    for placed in cells(project):
        front = (placed.comparison.title, placed.row.feature, placed.column.label)
        if any(contains_words(text, placed.cell.text) for text in front):
            yield Finding(
                placed.position,
                f"the cell '{placed.cell.text}' is already on its card's front (the title, the "
                "row's feature or the column's label)",
                "reword the row's feature or the cell, or write the cell as "
                "{text: ..., lint: {ignore: [answer-leak]}} if the card is still worth asking",
                placed.ignored,
            )
