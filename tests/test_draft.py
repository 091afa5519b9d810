"""'draft: true': read and checked like any item, left out of the deck, one warning each."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from lmndeck.cli import main
from lmndeck.pipeline import UpToDate, build, plan
from lmndeck.problems import Code
from tests.anki_client import AnkiCollection
from tests.conftest import SAMPLE, WriteCards

DRAFTS = """\
deck: Demo
sources:
  text: {title: Notes}
source: text
facts:
  - id: kept
    text: "{{Atrophy}} is a loss of muscle mass."
  - id: cloze-draft
    text: "{{Hypotonia}} is reduced tone."
    draft: true
  - id: basic-draft
    front: Which sign?
    back: Clonus
    reverse: true
    draft: true
  - id: list-draft
    text: LMN signs
    list: [Weakness, Atrophy]
    draft: true
comparisons:
  - id: table-draft
    title: T
    draft: true
    columns: {x: X, y: Y}
    rows:
      - {feature: Tone, x: Low, y: High}
"""


def test_drafts_of_every_kind_are_left_out_counted_by_build_listed_by_check(
    write_cards: WriteCards, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_cards(DRAFTS)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    # One line, however many drafts: the result (or an error) is not buried under them.
    assert result.output.splitlines() == [
        "Built dist/demo.apkg: 1 notes, 1 cards (1 cloze); the first build; 4 drafts left out "
        "('lmndeck check' lists them)."
    ]
    assert "fact/cloze-draft" not in (tmp_path / "cards" / "lmndeck.lock").read_text()
    check = CliRunner().invoke(main, ["check"])
    assert check.exit_code == 0
    warnings = [line for line in check.output.splitlines() if "warning[draft]" in line]
    assert warnings == [
        "cards/demo.yaml:8:5: warning[draft]: draft fact 'cloze-draft' is left out of the deck",
        "cards/demo.yaml:11:5: warning[draft]: draft basic card 'basic-draft' is left out of the deck",
        "cards/demo.yaml:16:5: warning[draft]: draft list fact 'list-draft' is left out of the deck",
        "cards/demo.yaml:21:5: warning[draft]: draft comparison 'table-draft' is left out of the deck",
    ]
    check = CliRunner().invoke(main, ["check", "--format", "json"])
    assert check.exit_code == 0
    assert check.output.count('"code": "draft"') == 4
    # Machine formats (CI annotations) still get every draft from the build itself.
    built = CliRunner().invoke(main, ["build", "--format", "github"])
    assert built.output.count("draft") >= 4


def test_a_draft_is_checked_like_any_item(write_cards: WriteCards) -> None:
    cards = write_cards(DRAFTS.replace("{{Hypotonia}} is", "{{Hypotonia is"))
    result = CliRunner().invoke(main, ["check", str(cards)])
    assert result.exit_code == 1
    assert "error[cloze-syntax]" in result.output


def test_draft_must_be_true_or_false(write_cards: WriteCards) -> None:
    cards = write_cards(DRAFTS.replace("draft: true", "draft: maybe", 1))
    result = CliRunner().invoke(main, ["check", str(cards)])
    assert result.exit_code == 1
    assert "error[wrong-type]: draft must be true or false, not 'maybe'" in result.output


def test_draft_false_changes_no_byte_of_the_deck(write_cards: WriteCards, tmp_path: Path) -> None:
    plain = write_cards(SAMPLE)
    before = plan(plain).contents
    marked = SAMPLE.replace(
        "    source: video 10:27\n", "    source: video 10:27\n    draft: false\n"
    )
    assert marked != SAMPLE
    write_cards(marked)
    assert plan(plain).contents == before


def test_a_reviewed_draft_joins_the_deck_for_students(
    write_cards: WriteCards, tmp_path: Path, collection: AnkiCollection
) -> None:
    cards = write_cards(DRAFTS)
    deck = tmp_path / "deck.apkg"
    build(cards, deck)
    collection.import_package(deck)
    assert len(collection.notes()) == 1
    write_cards(DRAFTS.replace("    draft: true\n", ""))
    build(cards, deck)
    log = collection.import_package(deck)
    # the new notes: a cloze, a basic and its reverse, a list, two cells, two discrimination
    assert (log.new, log.updated) == (8, 0)


def test_a_rebuild_with_nothing_changed_but_drafts_writes_nothing_and_counts_them_again(
    write_cards: WriteCards, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_cards(DRAFTS)
    monkeypatch.chdir(tmp_path)
    CliRunner().invoke(main, ["build"])
    deck = tmp_path / "dist" / "demo.apkg"
    before = deck.stat()
    again = CliRunner().invoke(main, ["build"])
    assert again.exit_code == 0, again.output
    assert again.output.splitlines() == [
        "Built dist/demo.apkg: 1 notes, 1 cards (1 cloze); 4 drafts left out "
        "('lmndeck check' lists them)."
    ]
    assert (deck.stat().st_ino, deck.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    result, _ = build(tmp_path / "cards")
    assert isinstance(result, UpToDate)
    assert [warning.code for warning in result.warnings] == [Code.DRAFT] * 4


def test_a_freshly_imported_file_of_drafts_only_builds_to_one_plain_line(
    write_cards: WriteCards, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    only_drafts = DRAFTS.replace(
        '  - id: kept\n    text: "{{Atrophy}} is a loss of muscle mass."\n', ""
    )
    write_cards(only_drafts)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [  # no '()' for the kinds of no card
        "Built dist/demo.apkg: 0 notes, 0 cards; the first build; 4 drafts left out "
        "('lmndeck check' lists them)."
    ]
