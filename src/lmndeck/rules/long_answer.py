"""long-answer: a cloze deletion whose answer is longer than ``max-words`` words (default 6).

Minimum information: a long answer is hard to recall as one piece; split it into several
deletions or facts.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from lmndeck.kinds.cloze import facts
from lmndeck.problems import Code, Level, Problem
from lmndeck.project import Project

ID = Code.LONG_ANSWER
LEVEL = Level.WARNING
OPTIONS: Mapping[str, object] = {"max-words": 6}


def check(project: Project, options: Mapping[str, object]) -> Iterator[Problem]:
    limit = int(str(options["max-words"]))
    for deck_file in project.files:
        for fact in facts(deck_file):
            for deletion in fact.deletions:
                words = len(deletion.answer.split())
                if words > limit:
                    yield Problem(
                        fact.position,
                        f"the answer '{deletion.answer}' has {words} words (more than {limit})",
                        "split it into shorter deletions: one small piece of knowledge per card",
                        code=ID,
                        level=LEVEL,
                    )
