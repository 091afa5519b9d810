"""Lint rules: card quality checks from the rules of formulating knowledge, like yamllint's.

Each rule is a module here with ``ID`` (its problem code), ``LEVEL`` (its default level),
``OPTIONS`` (its options' defaults) and ``check(project, options)`` yielding findings; its
docstring is its documentation (``lmndeck lint --explain RULE``). Adding a rule: a module, a line
in ``RULES``, a Code member, and tests/rules/test_<rule>.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lmndeck.problems import ContentError, Problem
from lmndeck.project import Project, load_project
from lmndeck.rules import (
    anki_markup,
    answer_leak,
    draft,
    equal_row,
    list_in_deletion,
    long_answer,
    near_duplicate,
    no_context,
    too_many_deletions,
    video_timestamp,
)
from lmndeck.rules.base import Rule
from lmndeck.rules.config import Settings, read_config

RULES: tuple[Rule, ...] = (
    answer_leak,
    long_answer,
    too_many_deletions,
    list_in_deletion,
    no_context,
    near_duplicate,
    equal_row,
    video_timestamp,
    anki_markup,
    draft,
)
BY_ID: dict[str, Rule] = {rule.ID.value: rule for rule in RULES}
RULE_IDS = tuple(BY_ID)


def lint(cards_dir: Path) -> list[Problem]:
    """Every enabled rule's problems in the cards files of ``cards_dir``, sorted by position,
    at each rule's configured level (CARDS_DIR/.lmndeck.yaml), without those the items opt out
    of. A project or configuration that does not load raises ContentError, as a build does."""
    settings, problems = read_config(cards_dir, BY_ID)
    try:
        project = load_project(cards_dir, rules=RULE_IDS)
    except ContentError as error:
        raise ContentError([*problems, *error.problems]) from None
    if problems:
        raise ContentError(problems)
    return sorted(_problems(project, settings))


def _problems(project: Project, settings: Settings) -> Iterator[Problem]:
    for rule in RULES:
        level, options = settings.get(rule.ID.value, (rule.LEVEL, rule.OPTIONS))
        if level is None:  # disabled
            continue
        for finding in rule.check(project, options):
            if rule.ID.value not in finding.ignored:
                yield Problem(
                    finding.position,
                    finding.message,
                    finding.hint,
                    code=rule.ID,
                    level=level,
                    related=finding.related,
                )
