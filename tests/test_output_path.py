"""Where the deck goes by default: dist/ beside the cards directory, wherever lmndeck runs, under
the name of the top deck of the first build."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lmndeck.cli import main
from tests.conftest import SAMPLE, start_over

DECK = """\
deck: {deck}
sources: {{t: {{title: T}}}}
source: t
facts:
  - id: {id}
    text: The {{{{knee jerk}}}} tests L3-L4.
"""


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    cards = tmp_path / "project" / "cards"
    cards.mkdir(parents=True)
    (cards / "a.yaml").write_text(DECK.format(deck="Neuro::Reflexes", id="a"), encoding="utf-8")
    (cards / "b.yaml").write_text(DECK.format(deck="Neuro::Signs", id="b"), encoding="utf-8")
    return cards.parent


def test_the_deck_goes_beside_the_cards_directory_from_any_working_directory(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = run("build", str(project / "cards"))
    assert result.exit_code == 0, result.output
    deck = project / "dist" / "neuro.apkg"
    assert deck.is_file()
    assert str(deck) in result.output
    assert not (elsewhere / "dist").exists()
    assert run("build", "--check", str(project / "cards")).exit_code == 0
    preview = run("preview", str(project / "cards"), "--renderer", "builtin")
    assert preview.exit_code == 0, preview.output
    assert (project / "dist" / "neuro-preview.html").is_file()


def test_building_from_inside_the_cards_directory_writes_beside_it(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project / "cards")
    result = run("build", ".")
    assert result.exit_code == 0, result.output
    assert (project / "dist" / "neuro.apkg").is_file()
    assert not (project / "cards" / "dist").exists()


def test_the_name_stays_when_the_decks_stop_sharing_a_top_deck(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    assert run("build").exit_code == 0
    first = (project / "dist" / "neuro.apkg").read_bytes()
    (project / "cards" / "b.yaml").write_text(
        DECK.format(deck="Cardiology::Murmurs", id="b"), encoding="utf-8"
    )
    result = run("build")
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in (project / "dist").iterdir()) == ["neuro.apkg"]
    assert (project / "dist" / "neuro.apkg").read_bytes() != first
    assert "Built dist/neuro.apkg" in result.output


def test_a_new_project_without_a_shared_top_deck_is_named_after_its_cards_directory(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "cards" / "b.yaml").write_text(
        DECK.format(deck="Cardiology::Murmurs", id="b"), encoding="utf-8"
    )
    monkeypatch.chdir(project)
    assert run("build").exit_code == 0
    assert (project / "dist" / "cards.apkg").is_file()


@pytest.mark.parametrize("lock", ["kept", "lost"])
def test_o_onto_a_file_that_is_no_deck_is_refused_and_leaves_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lock: str
) -> None:
    monkeypatch.chdir(tmp_path)
    cards = tmp_path / "cards"
    cards.mkdir()
    (cards / "demo.yaml").write_text(SAMPLE, encoding="utf-8")
    assert CliRunner().invoke(main, ["build", "-o", "deck.apkg"]).exit_code == 0
    if lock == "lost":
        start_over(cards)
    notes = tmp_path / "notes.txt"
    notes.write_text("my own notes\n")
    result = CliRunner().invoke(main, ["build", "-o", "notes.txt"])
    assert result.exit_code == 1
    assert "notes.txt:1:1: error[output-exists]: this file is not an Anki deck" in result.output
    assert notes.read_text() == "my own notes\n"
