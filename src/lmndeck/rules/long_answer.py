"""long-answer: an answer longer than ``max-words`` words.

Minimum information: a card should ask one small piece of knowledge. A long answer is several
pieces recalled as one, graded as one (half-remembered counts as remembered or as forgotten),
and forgotten piece by piece. Checked: each cloze deletion's answer, each list item, each
comparison cell, and a basic card's back (and front, with ``reverse: true``).

Options: ``max-words`` (default 5). Five words hold a term with its qualifier ("hypoactive or
absent", "dorsiflexion of the great toe"); a longer answer is almost always a sentence or a
list, better split into several deletions, a list fact or a table row.

Bad::

    - id: polio-spread
      text: After infection, poliovirus {{replicates in the oropharynx and the small intestine}}.

Good::

    - id: polio-spread
      text: After infection, poliovirus replicates in the {{oropharynx}} and the {{small intestine}}.
"""

from __future__ import annotations

from collections.abc import Iterator

from lmndeck.problems import Code, Level, Position
from lmndeck.project import Project
from lmndeck.rules.base import (
    Finding,
    Options,
    basic_facts,
    cells,
    cloze_facts,
    deletion_places,
    list_facts,
    words,
)

ID = Code.LONG_ANSWER
LEVEL = Level.WARNING
OPTIONS: Options = {"max-words": 5}


def check(project: Project, options: Options) -> Iterator[Finding]:
    limit = int(options["max-words"])
    answers: list[tuple[str, Position, frozenset[str], str]] = []
    for fact in cloze_facts(project):
        for deletion, where in deletion_places(fact):
            answers.append((deletion.answer, where, fact.lint_ignore, "deletions"))
    for listed in list_facts(project):
        positions = listed.item_positions or tuple(listed.position for _ in listed.items)
        for item, where in zip(listed.items, positions, strict=True):
            answers.append((item, where, listed.lint_ignore, "items"))
    for basic in basic_facts(project):
        answers.append((basic.back, basic.position, basic.lint_ignore, "cards"))
        if basic.reverse:
            answers.append((basic.front, basic.position, basic.lint_ignore, "cards"))
    for placed in cells(project):
        answers.append((placed.cell.text, placed.position, placed.ignored, "rows or cells"))
    for answer, where, ignored, pieces in answers:
        count = len(words(answer))
        if count > limit:
            yield Finding(
                where,
                f"the answer '{answer}' has {count} words (more than {limit})",
                f"ask one small piece at a time: split it into shorter {pieces}",
                ignored,
            )
