"""too-many-deletions: a cloze fact with more than ``max`` cards.

Each card of a cloze fact shows the answers of all the others: with many deletions the cards
cue each other (a student learns the sentence's shape, not its facts), they interfere, and the
fact is usually a list or a paragraph in disguise. Formulating knowledge: keep it simple, one
idea per fact. Deletions that share a label count once: they are one card.

Options: ``max`` (default 3). Three gaps still fit one sentence with one idea ("X spreads from
the {{a}} to the {{b}} through the {{c}}"); a fourth nearly always means an enumeration (use a
list fact) or two ideas (split the fact).

Bad::

    - id: lmn-signs
      text: LMN signs are {{weakness}}, {{atrophy}}, {{fasciculations}}, {{hypotonia}} and {{hyporeflexia}}.

Good::

    - id: lmn-signs
      text: Signs of an LMN lesion
      list: [weakness, atrophy, fasciculations, hypotonia, hyporeflexia]
"""

from __future__ import annotations

from collections.abc import Iterator

from lmndeck.kinds.cloze import ClozeFact, deletion_places
from lmndeck.problems import Code, Level
from lmndeck.project import Project
from lmndeck.rules.base import Finding, Options, items

ID = Code.TOO_MANY_DELETIONS
LEVEL = Level.WARNING
OPTIONS: Options = {"max": 3}


def check(project: Project, options: Options) -> Iterator[Finding]:
    limit = int(options["max"])
    for fact in items(project, ClozeFact):
        keys = list(dict.fromkeys(fact.deletion_keys))
        if len(keys) <= limit:
            continue
        first_over = fact.deletion_keys.index(keys[limit])
        where = list(deletion_places(fact))[first_over][1]
        yield Finding(
            where,
            f"the fact has {len(keys)} deletions (cards), more than {limit}",
            "split it into facts of one idea each, or write an enumeration as a list fact "
            "(text: ..., list: [...])",
            fact.lint_ignore,
        )
