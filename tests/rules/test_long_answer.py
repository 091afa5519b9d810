from __future__ import annotations

from lmndeck.project import load_project
from lmndeck.rules import long_answer
from tests.conftest import WriteCards

FACTS = """\
deck: Demo
sources:
  text: {title: Course text}
source: text
facts:
  - id: long
    text: The answer is {{one two three four five six seven}} here.
  - id: short
    text: The answer is {{one two three four five six}} here.
"""


def test_only_answers_over_the_limit_are_reported(write_cards: WriteCards) -> None:
    project = load_project(write_cards(FACTS))
    problems = list(long_answer.check(project, long_answer.OPTIONS))
    assert [problem.message for problem in problems] == [
        "the answer 'one two three four five six seven' has 7 words (more than 6)"
    ]
    assert list(long_answer.check(project, {"max-words": 7})) == []
