"""The lint command: the cards' quality rules, and their documentation."""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import click

from lmndeck.cli.output import CARDS_DIR, FORMAT, count, reports_problems
from lmndeck.formats import formatted
from lmndeck.problems import Level, Problem


@click.command("lint")
@CARDS_DIR
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too (for CI).")
@click.option("--list-rules", is_flag=True, help="Print every rule: its id, level and options.")
@click.option("--explain", metavar="RULE", help="Print a rule's documentation (see --list-rules).")
@FORMAT
@reports_problems
def lint_command(cards_dir: Path, strict: bool, list_rules: bool, explain: str | None) -> None:
    """Check the cards in CARDS_DIR for quality problems: answers on the front, long answers,
    lists in one deletion, near-duplicate facts, video sources without a second, and more.

    Rules are configured in CARDS_DIR/.lmndeck.yaml; one item opts out with
    'lint: {ignore: [RULE]}'. Exit 0 when clean or with warnings only, 1 with
    errors (or, under --strict, warnings).

    \b
    Examples:
      lmndeck lint
      lmndeck lint --strict --format github cards/
      lmndeck lint --explain answer-leak
    """
    from lmndeck.rules import RULE_IDS, lint

    if explain is not None and explain not in RULE_IDS:
        raise click.BadParameter(
            f"'{explain}' is not a rule; the rules: {', '.join(RULE_IDS)}", param_hint="--explain"
        )
    if list_rules or explain:
        click.echo(rules_help(explain))
        return
    problems = lint(cards_dir)
    output_format = click.get_current_context().params["output_format"]
    for line in formatted(problems, cards_dir, output_format):
        click.echo(line)
    click.echo(lint_summary(problems), err=output_format != "text")
    if any(problem.level is Level.ERROR or strict for problem in problems):
        sys.exit(1)


def lint_summary(problems: list[Problem]) -> str:
    """'no problems', or '1 error, 3 warnings in 2 files'."""
    if not problems:
        return "no problems"
    levels = [problem.level for problem in problems]
    counts = [count(levels.count(level), level.value) for level in Level if levels.count(level)]
    files = len({problem.position.path for problem in problems})
    return f"{', '.join(counts)} in {count(files, 'file')}"


def rules_help(rule_id: str | None) -> str:
    """Each rule (or the one named): its id, default level and options, then its documentation."""
    from lmndeck.rules import BY_ID, RULES

    shown = [BY_ID[rule_id]] if rule_id else RULES
    parts = []
    for rule in shown:
        options = ", ".join(f"{name}: {value}" for name, value in rule.OPTIONS.items())
        header = f"{rule.ID.value} ({rule.LEVEL.value}; options: {options or 'none'})"
        parts.append(f"{header}\n\n{inspect.getdoc(rule) or ''}\n")
    return "\n".join(parts)
