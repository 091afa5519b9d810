"""equal-row: a comparison row whose filled cells all say the same.

A comparison teaches differences. A row with one value in every column ("Muscle weakness:
present / present") has nothing to tell apart: its cell cards ask a fact the row's feature
already gives away, and it makes no discrimination card. Cells are compared without case,
spacing and punctuation.

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

from lmndeck.problems import Code, Level
from lmndeck.project import Project
from lmndeck.rules.base import Finding, Options, comparisons, words

ID = Code.EQUAL_ROW
LEVEL = Level.WARNING
OPTIONS: Options = {}


def check(project: Project, options: Options) -> Iterator[Finding]:
    for comparison in comparisons(project):
        for row in comparison.rows:
            filled = [cell for cell in row.cells if cell is not None]
            if len(filled) > 1 and len({tuple(words(cell.text)) for cell in filled}) == 1:
                yield Finding(
                    row.position or comparison.position,
                    f"every cell of the row '{row.feature}' says '{filled[0].text}'",
                    "leave the row out (state what the columns share as a fact), or ask what "
                    "differs",
                    row.lint_ignore | comparison.lint_ignore,
                )
