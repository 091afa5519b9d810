"""lmndeck lint through the CLI: warnings, --strict, and the shipped deck."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from lmndeck.cli import main
from tests.conftest import WriteCards
from tests.rules.test_long_answer import FACTS


def test_the_shipped_deck_has_only_its_two_known_equal_rows() -> None:
    # No per-fact opt-out yet: the two rows await the neurologist's rewrite (issue 9).
    cards = Path(__file__).parents[2] / "cards"
    result = CliRunner().invoke(main, ["lint", str(cards)])
    assert result.exit_code == 0, result.output
    assert result.output.count("warning[") == 2
    assert result.output.count("warning[equal-row]") == 2


def test_warnings_exit_0_and_strict_exits_1(write_cards: WriteCards) -> None:
    cards = write_cards(FACTS)
    relaxed = CliRunner().invoke(main, ["lint", str(cards)])
    assert relaxed.exit_code == 0
    assert "warning[long-answer]" in relaxed.output
    strict = CliRunner().invoke(main, ["lint", "--strict", str(cards)])
    assert strict.exit_code == 1
    assert "warning[long-answer]" in strict.output
