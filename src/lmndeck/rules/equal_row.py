"""equal-row: a comparison row whose filled cells are all equal: nothing to learn from it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from lmndeck.kinds.table import comparisons
from lmndeck.problems import Code, Level, Problem
from lmndeck.project import Project

ID = Code.EQUAL_ROW
LEVEL = Level.WARNING
OPTIONS: Mapping[str, object] = {}


def check(project: Project, options: Mapping[str, object]) -> Iterator[Problem]:
    for deck_file in project.files:
        for comparison in comparisons(deck_file):
            for row in comparison.rows:
                texts = {" ".join(cell.text.split()).casefold() for cell in row.cells if cell}
                filled = sum(cell is not None for cell in row.cells)
                if filled > 1 and len(texts) == 1:
                    yield Problem(
                        comparison.position,
                        f"every cell of row '{row.id}' says the same",
                        "leave the row out, or ask what differs",
                        code=ID,
                        level=LEVEL,
                    )
