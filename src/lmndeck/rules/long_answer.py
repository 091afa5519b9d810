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

from lmndeck.problems import Code, Level
from lmndeck.project import Project
from lmndeck.rules.base import Finding, Options, cards
from lmndeck.wording import words

ID = Code.LONG_ANSWER
LEVEL = Level.WARNING
OPTIONS: Options = {"max-words": 5}


def check(project: Project, options: Options) -> Iterator[Finding]:
    limit = int(options["max-words"])
    for card in cards(project):
        for answer in card.answers:
            count = len(words(answer.text))
            if count > limit:
                yield Finding(
                    answer.position,
                    f"the answer '{answer.text}' has {count} words (more than {limit})",
                    "ask one small piece at a time: split it into shorter answers",
                    answer.ignored,
                )
