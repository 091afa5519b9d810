"""lmndeck lint through the CLI: exit codes, formats, the summary, configuration and opt-out
errors, the rules' documentation, and the shipped deck."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner, Result

from lmndeck.cli import main
from lmndeck.pipeline import build
from lmndeck.rules import RULES
from tests.conftest import WriteCards
from tests.rules.helpers import HEADER, configure

ROOT = Path(__file__).parents[2]
LONG = """\
  - id: long
    text: The answer is {{one two three four five six}} here.
"""


def lint(*args: str) -> Result:
    return CliRunner().invoke(main, ["lint", *args])


def test_the_shipped_deck_is_clean_under_strict() -> None:
    result = lint("--strict", str(ROOT / "cards"))
    assert result.exit_code == 0, result.output
    assert result.output.endswith("no problems\n")


def test_warnings_exit_0_and_strict_exits_1(write_cards: WriteCards) -> None:
    cards = write_cards(HEADER + LONG)
    relaxed = lint(str(cards))
    assert relaxed.exit_code == 0
    assert "demo.yaml:6:25: warning[long-answer]: the answer" in relaxed.output
    assert relaxed.output.endswith("1 warning in 1 file\n")
    assert lint("--strict", str(cards)).exit_code == 1


def test_a_clean_project_says_so(write_cards: WriteCards) -> None:
    result = lint("--strict", str(write_cards(HEADER + LONG.replace(" six", ""))))
    assert (result.exit_code, result.output) == (0, "no problems\n")


def test_a_rule_configured_as_an_error_fails_without_strict(write_cards: WriteCards) -> None:
    cards = write_cards(HEADER + LONG)
    configure(cards, "lint:\n  rules:\n    long-answer: {level: error, max-words: 5}\n")
    result = lint(str(cards))
    assert result.exit_code == 1
    assert "error[long-answer]" in result.output
    assert result.output.endswith("1 error in 1 file\n")


def test_json_and_github_formats_keep_the_summary_off_standard_output(
    write_cards: WriteCards,
) -> None:
    cards = write_cards(HEADER + LONG)
    result = CliRunner().invoke(main, ["lint", "--format", "json", str(cards)])
    (line,) = result.stdout.splitlines()
    assert json.loads(line)["code"] == "long-answer"
    assert json.loads(line)["level"] == "warning"
    assert result.stderr == "1 warning in 1 file\n"
    github = CliRunner().invoke(main, ["lint", "--format", "github", str(cards)])
    assert github.stdout.startswith("::warning file=")
    assert ",line=6,col=25,title=long-answer::" in github.stdout


def test_configuration_errors_are_reported_at_their_place(write_cards: WriteCards) -> None:
    cards = write_cards(HEADER + LONG)
    configure(
        cards,
        "lint:\n"
        "  rules:\n"
        "    long-anwser: disable\n"
        "    no-context: {min-wrds: 3}\n"
        "    equal-row: {level: eror}\n"
        "    near-duplicate: {threshold: 2}\n"
        "    answer-leak: off\n",
    )
    result = lint(str(cards))
    assert result.exit_code == 1
    output = result.output.replace(f"{cards}/", "")
    lines = [line for line in output.splitlines() if not line.startswith("  hint")]
    assert lines == [
        ".lmndeck.yaml:3:5: error[unknown-rule]: 'long-anwser' is not a lint rule",
        ".lmndeck.yaml:4:18: error[unknown-key]: unknown key 'min-wrds' in the rule 'no-context'",
        ".lmndeck.yaml:5:24: error[invalid-option]: level must be 'warning' or 'error', not 'eror'",
        ".lmndeck.yaml:6:33: error[invalid-option]: threshold must be a number from 0 to 1, not '2'",
        ".lmndeck.yaml:7:18: error[invalid-option]: a rule is 'enable', 'disable' or a mapping of "
        "its options, not 'off'",
        "5 errors; nothing was written.",
    ]
    assert "hint: did you mean 'long-answer'?" in result.output
    assert "hint: did you mean 'min-words'?" in result.output


def test_an_unknown_rule_in_an_items_lint_key_is_an_error_everywhere(
    write_cards: WriteCards,
) -> None:
    cards = write_cards(HEADER + LONG + "    lint: {ignore: [long-answers, no-context]}\n")
    for command in ("lint", "check"):
        result = CliRunner().invoke(main, [command, str(cards)])
        assert result.exit_code == 1
        assert "demo.yaml:7:21: error[unknown-rule]: 'long-answers' is not a lint rule" in (
            result.output
        )
        assert "hint: did you mean 'long-answer'?" in result.output


EVERY_KIND = """\
  - id: cloze
    text: The answer is {{one two three four five six}} here.
    lint: {ignore: [long-answer]}
  - id: basic
    front: Which sign is the Babinski sign?
    back: Babinski sign
    lint: {ignore: answer-leak}
  - id: items
    text: Signs
    list: [weakness, atrophy]
    lint: {ignore: [no-context]}
comparisons:
  - id: t
    title: Lesions
    columns: {lmn: LMN lesion, umn: UMN lesion}
    lint: {ignore: [video-timestamp]}
    rows:
      - {feature: Weakness, lmn: present, umn: present, lint: {ignore: [equal-row]}}
      - feature: Tone
        lmn: {text: low, lint: {ignore: [anki-markup]}}
        umn: high
"""


def test_the_lint_key_is_read_on_every_kind_and_changes_no_byte_of_the_deck(
    write_cards: WriteCards, tmp_path: Path
) -> None:
    opted = write_cards(HEADER + EVERY_KIND)
    assert lint("--strict", str(opted)).output == "no problems\n"
    _, first = build(opted, tmp_path / "opted.apkg")
    plain = shutil.copytree(opted, tmp_path / "plain")
    lines = EVERY_KIND.splitlines(keepends=True)
    without = "".join(line for line in lines if not line.lstrip().startswith("lint:"))
    without = without.replace(", lint: {ignore: [equal-row]}", "").replace(
        "{text: low, lint: {ignore: [anki-markup]}}", "{text: low}"
    )
    (plain / "demo.yaml").write_text(HEADER + without, encoding="utf-8")
    assert "lint" not in without
    _, second = build(plain, tmp_path / "plain.apkg")
    assert first.read_bytes() == second.read_bytes()
    assert (plain / "lmndeck.lock").read_bytes() == (opted / "lmndeck.lock").read_bytes()


def test_every_rule_is_documented_offline() -> None:
    listed = lint("--list-rules")
    assert listed.exit_code == 0
    for rule in RULES:
        assert f"\n{rule.ID.value} ({rule.LEVEL.value}; options: " in "\n" + listed.output
    explained = lint("--explain", "near-duplicate")
    assert explained.output.startswith("near-duplicate (warning; options: threshold: 0.8)\n\n")
    assert "Jaccard" in explained.output
    assert lint("--explain", "near-duplicates").exit_code == 2


def test_every_rule_has_a_documented_reason_and_examples() -> None:
    for rule in RULES:
        assert rule.__doc__ and rule.__doc__.startswith(f"{rule.ID.value}: ")
        assert "Options:" in rule.__doc__
        assert "Bad::" in rule.__doc__ and "Good" in rule.__doc__


def test_every_rule_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for rule in RULES:
        assert f"\n| `{rule.ID.value}` | " in readme
