"""Lint rules: one module per rule, like yamllint's rules.

Each rule module has ``ID`` (its problem code), ``LEVEL`` (its default level), ``OPTIONS`` (option
defaults) and ``check(project, options)`` yielding problems; its docstring is its documentation.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from types import ModuleType

from lmndeck.problems import Problem
from lmndeck.project import load_project
from lmndeck.rules import equal_row, long_answer

RULES: dict[str, ModuleType] = {rule.ID.value: rule for rule in (long_answer, equal_row)}


def lint(cards_dir: Path) -> list[Problem]:
    """Every rule's problems in the cards files of ``cards_dir``, sorted by position."""
    project = load_project(cards_dir)
    found: list[Problem] = []
    for rule in RULES.values():
        options: Mapping[str, object] = rule.OPTIONS
        problems: Iterator[Problem] = rule.check(project, options)
        found.extend(problems)
    return sorted(found)
