from __future__ import annotations

from lmndeck.project import load_project
from lmndeck.rules import equal_row
from tests.conftest import WriteCards

TABLE = """\
deck: Demo
sources:
  text: {title: Course text}
source: text
comparisons:
  - id: t
    title: A vs B
    columns: {a: A, b: B}
    rows:
      - {id: weakness, feature: Weakness, a: present, b: Present}
      - {id: tone, feature: Tone, a: low, b: high}
"""


def test_a_row_of_equal_cells_is_reported(write_cards: WriteCards) -> None:
    project = load_project(write_cards(TABLE))
    problems = list(equal_row.check(project, equal_row.OPTIONS))
    assert [problem.code.value for problem in problems] == ["equal-row"]
