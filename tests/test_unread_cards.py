"""A cards file left out by its name is never left out silently (issue 19, class 6): a build
that removes notes whose items are in a file it does not read says so, at the line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from lmndeck.cli import main

KEPT = """\
deck: Names
sources: {notes: {title: Notes}}
source: notes
facts:
  - id: kept
    text: A {{kept}} fact.
"""
RENAMED = """\
deck: Names::More
sources: {notes: {title: Notes}}
source: notes
facts:
  - id: "gone-fact"
    text: A {{gone}} fact.
comparisons:
  - id: gone-table
    title: T
    columns: {a: A, b: B}
    rows:
      - {feature: F, a: x, b: y}
"""


@pytest.mark.parametrize(
    "name",
    ["more.yaml.bak", ".more.yaml", "more.yaml~", "more.YAML.txt", "old/more.yml.orig", "more"],
)
def test_a_file_renamed_out_of_the_cards_warns_at_its_items(
    tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    cards = Path("cards")
    cards.mkdir()
    (cards / "kept.yaml").write_text(KEPT, encoding="utf-8")
    (cards / "more.yaml").write_text(RENAMED, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(cards)]).exit_code == 0
    target = cards / name
    target.parent.mkdir(exist_ok=True)
    (cards / "more.yaml").rename(target)
    result = runner.invoke(main, ["build", str(cards)])
    assert result.exit_code == 0, result.output
    shown = f"cards/{name}"
    assert (
        f"{shown}:5:1: warning[unread-cards]: 'gone-fact' is removed from the deck" in result.output
    )
    assert f"{shown}:8:1: warning[unread-cards]: 'gone-table' is removed" in result.output


def test_a_removed_fact_in_no_other_file_warns_of_nothing(tmp_path: Path) -> None:
    cards = tmp_path / "cards"
    cards.mkdir()
    (cards / "kept.yaml").write_text(KEPT + "  - id: other\n    text: An {{other}}.\n")
    (cards / "notes.txt").write_text("id: unrelated\n")
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(cards)]).exit_code == 0
    (cards / "kept.yaml").write_text(KEPT)
    result = runner.invoke(main, ["build", str(cards)])
    assert result.exit_code == 0 and "unread-cards" not in result.output
