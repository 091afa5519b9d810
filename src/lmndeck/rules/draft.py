"""draft: a fact or comparison still marked ``draft: true``.

``lmndeck import`` marks what it could not turn into a good card on its own (a paragraph, a
context that names the answer, a long term) as a draft, and an author may mark an unfinished
fact the same way. A draft is checked like everything else but left out of the deck, so a
forgotten one is knowledge the students never get. ``build`` warns about each draft too; lint
lists them so ``lmndeck lint --strict`` fails while any is left. It cannot be switched off
per item: remove ``draft: true`` instead.

Options: none.

Bad::

    - id: polio-paralysis
      text: "{{Paralytic poliomyelitis}} is rare."
      draft: true

Good: reviewed, and the flag removed::

    - id: polio-paralysis
      text: Most poliovirus infections cause {{no symptoms}}.
"""

from __future__ import annotations

from collections.abc import Iterator

from lmndeck.problems import Code, Level
from lmndeck.project import Project, draft_problems
from lmndeck.rules.base import Finding, Options

ID = Code.DRAFT
LEVEL = Level.WARNING
OPTIONS: Options = {}


def check(project: Project, options: Options) -> Iterator[Finding]:
    for problem in draft_problems(project):
        yield Finding(problem.position, problem.message, problem.hint or "", frozenset())
