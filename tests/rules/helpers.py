"""Linting a small cards file and looking at one rule's problems."""

from __future__ import annotations

from pathlib import Path

from lmndeck.rules import lint
from lmndeck.rules.config import CONFIG_FILE
from tests.conftest import WriteCards

# Four lines, so a body's first line is line 5 of the file.
HEADER = """\
deck: Demo
sources: {text: {title: Course text}, video: {youtube: xWPaCACoam4, title: A video}}
source: text
facts:
"""


def found(
    write_cards: WriteCards, body: str, rule: str, config: str | None = None
) -> list[tuple[int, int, str]]:
    """(line, column, message) of each problem of ``rule`` in HEADER + ``body`` (facts, then
    perhaps 'comparisons:'), linted with the configuration file ``config``."""
    cards = write_cards(HEADER + body)
    (cards / CONFIG_FILE).unlink(missing_ok=True)  # one test may lint several times
    if config is not None:
        configure(cards, config)
    return [
        (problem.position.line, problem.position.column, problem.message)
        for problem in lint(cards)
        if problem.code.value == rule
    ]


def configure(cards: Path, text: str) -> None:
    (cards / CONFIG_FILE).write_text(text, encoding="utf-8")
