"""equal-row: a comparison row whose filled cells all say the same.

A comparison teaches differences. A row with one value in every column ("Muscle weakness:
present / present") has nothing to tell apart: the build still makes its cell cards, each
asking a value the row's feature already gives away, and no discrimination card (no cell
points to one column). Cells are compared as discrimination cards compare them: without case,
spacing, punctuation and emphasis, but with their symbols and numbers: "< 7.30" and "> 7.30",
"±" and "+", or "↓" and "↑", are different values, and such a row is not reported; a minus or
a range is the same however its dash is typed (a minus sign or a hyphen, an en dash or a
hyphen).

Options: none.

Bad::

    - feature: Muscle weakness
      lmn: Present
      umn: present

Good: leave the row out, and state what both share once, as a fact::

    - id: both-lesions-cause-weakness
      text: Both UMN and LMN lesions cause {{muscle weakness}}.
"""

from __future__ import annotations

from collections.abc import Iterator

from lmndeck.kinds.comparison import Comparison
from lmndeck.problems import Code, Level
from lmndeck.project import Project
from lmndeck.rules.base import Finding, Options, items
from lmndeck.wording import said

ID = Code.EQUAL_ROW
LEVEL = Level.WARNING
OPTIONS: Options = {}


def check(project: Project, options: Options) -> Iterator[Finding]:
    for comparison in items(project, Comparison):
        for row in comparison.rows:
            filled = [cell for cell in row.cells if cell is not None]
            if len(filled) > 1 and len({said(cell.text) for cell in filled}) == 1:
                yield Finding(
                    row.position or comparison.position,
                    f"every cell of the row '{row.feature}' says '{filled[0].text}'",
                    "leave the row out (state what the columns share as a fact), or ask what "
                    "differs",
                    row.lint_ignore | comparison.lint_ignore,
                )
