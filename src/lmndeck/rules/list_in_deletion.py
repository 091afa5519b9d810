"""list-in-deletion: an enumeration asked as one cloze deletion, or cut into one deletion per item.

A deletion whose answer is a list ("{{Lyme disease, zoster and sarcoidosis}}") asks a whole set
at once: students recall part of it and grade the card as they like. Deletions side by side in
an enumeration ("{{weakness}}, {{atrophy}} and {{hypotonia}}") make cards with no single answer:
any other item fits each gap. Both are what a list fact is for: one card per item, the items
before it shown as context (formulating knowledge: avoid sets, use enumerations).

Found: a deletion whose answer has ``min-items`` or more parts separated by ',', ';', 'and' or
'or'; and ``min-items`` or more deletions separated only by those.

Options: ``min-items`` (default 3). Two items ("alpha and gamma", "hypoactive or absent") are a
pair, still one piece of knowledge; three are a list.

Bad::

    - id: lmn-palsy-causes
      text: Other causes of LMN facial palsy are {{Lyme disease, herpes zoster and sarcoidosis}}.

Good::

    - id: lmn-palsy-causes
      text: Causes of LMN facial palsy other than Bell palsy
      list: [Lyme disease, herpes zoster, sarcoidosis]
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lmndeck.kinds.cloze import ClozeFact, Deletion, deletion_places
from lmndeck.problems import Code, Level
from lmndeck.project import Project
from lmndeck.rules.base import Finding, Options, items

ID = Code.LIST_IN_DELETION
LEVEL = Level.WARNING
OPTIONS: Options = {"min-items": 3}

_SEPARATOR = re.compile(r"\s*(?:[,;]\s*(?:(?:and|or)\b)?|\b(?:and|or)\b)\s*", re.IGNORECASE)
_HINT = "write it as a list fact: text: <what the items are>, list: [item, item, ...]"


def check(project: Project, options: Options) -> Iterator[Finding]:
    least = int(options["min-items"])
    for fact in items(project, ClozeFact):
        places = {id(deletion): where for deletion, where in deletion_places(fact)}
        for deletion in fact.deletions:
            listed = [item for item in _SEPARATOR.split(deletion.answer) if item.strip()]
            if len(listed) >= least:
                yield Finding(
                    places[id(deletion)],
                    f"the answer '{deletion.answer}' is a list of {len(listed)} items",
                    _HINT,
                    fact.lint_ignore,
                )
        for run in _enumerations(fact.parts):
            if len(run) >= least:
                yield Finding(
                    places[id(run[0])],
                    f"{len(run)} deletions in a row make an enumeration: each gap has no single "
                    "answer",
                    _HINT,
                    fact.lint_ignore,
                )


def _enumerations(parts: tuple[str | Deletion, ...]) -> Iterator[list[Deletion]]:
    """Runs of deletions separated only by list separators."""
    run: list[Deletion] = []
    for part in parts:
        if isinstance(part, Deletion):
            run.append(part)
        elif not _SEPARATOR.fullmatch(part):
            yield run
            run = []
    yield run
