"""'lmndeck init': a new project that builds at once and imports into Anki."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lmndeck.cli import main
from lmndeck.schema import cards_schema
from tests.anki_client import AnkiCollection

LMNDECK = Path(sys.executable).parent / "lmndeck"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_init_then_build_works_at_once_and_anki_imports_every_kind(
    tmp_path: Path, collection: AnkiCollection
) -> None:
    """As a new user types it: lmndeck init mydeck && cd mydeck && lmndeck build."""
    environment = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    subprocess.run([LMNDECK, "init", "mydeck"], cwd=tmp_path, check=True, env=environment)
    built = subprocess.run(
        [LMNDECK, "build"],
        cwd=tmp_path / "mydeck",
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    assert (
        "Built dist/mydeck.apkg: 15 notes, 19 cards "
        "(1 cloze, 2 basic, 5 list, 6 comparison, 5 discrimination)" in built.stdout
    )
    assert built.stderr == ""  # no warning, no note
    # The example teaches good cards: lint finds nothing in it, even under --strict.
    linted = subprocess.run(
        [LMNDECK, "lint", "--strict"], cwd=tmp_path / "mydeck", capture_output=True, text=True
    )
    assert (linted.returncode, linted.stdout) == (0, "no problems\n")
    log = collection.import_package(tmp_path / "mydeck" / "dist" / "mydeck.apkg")
    assert log.new == 15
    cards_by_note_type = {
        name: len(collection.cards(f'"note:{name}"'))
        for name in collection.note_type_names()
        if name.startswith("lmndeck")
    }
    assert cards_by_note_type == {
        "lmndeck cloze": 1,
        "lmndeck basic": 2,
        "lmndeck list": 5,
        "lmndeck comparison cell": 6,
        "lmndeck discrimination": 5,
    }
    assert {card.deck for card in collection.cards("")} == {"Mydeck"}


def test_init_writes_the_schema_gitignore_and_readme(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("init", "my-deck")
    assert result.exit_code == 0, result.output
    project = tmp_path / "my-deck"
    example = (project / "cards" / "example.yaml").read_text(encoding="utf-8")
    assert example.startswith("# yaml-language-server: $schema=.lmndeck-schema.json\n")
    assert "\ndeck: My deck\n" in example
    schema = json.loads((project / "cards" / ".lmndeck-schema.json").read_text(encoding="utf-8"))
    assert schema == cards_schema()
    ignored = (project / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "dist/" in ignored
    assert ".lmndeck-cache/" in ignored
    assert not any("lock" in line for line in ignored if not line.startswith("#"))
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# My deck\n")
    assert "lmndeck build" in readme
    assert "Next: cd my-deck, edit cards/example.yaml" in result.output


def test_init_into_the_current_empty_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("init")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "cards" / "example.yaml").is_file()
    assert run("build").exit_code == 0


def test_a_directory_with_anything_in_it_is_refused_without_force(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "mine.txt").write_text("my notes", encoding="utf-8")
    result = run("init", "notes")
    assert result.exit_code == 1
    assert "notes:1:1: error[output-exists]: the directory is not empty\n" in result.output
    assert result.output.count("nothing was written") == 1  # said by the summary, once
    assert "hint: choose a new directory" in result.output
    assert sorted(path.name for path in (tmp_path / "notes").iterdir()) == ["mine.txt"]
    forced = run("init", "notes", "--force")
    assert forced.exit_code == 0, forced.output
    assert (tmp_path / "notes" / "mine.txt").read_text(encoding="utf-8") == "my notes"
    assert (tmp_path / "notes" / "cards" / "example.yaml").is_file()


@pytest.mark.parametrize("command", ["init", "import", "schema", "stats"])
def test_help_teaches_with_an_example(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "\n    lmndeck " in result.output  # an example command line


def test_init_cut_off_while_writing_leaves_every_file_whole(tmp_path: Path) -> None:
    """A write cut off in the middle (here by the file size limit; a kill, a full disk) leaves
    each file as it was or as init writes it, never cut short."""
    fresh, project = tmp_path / "a" / "deck", tmp_path / "b" / "deck"
    assert run("init", str(fresh)).exit_code == 0
    old = {Path("README.md"): "my notes\n", Path("cards/example.yaml"): "my cards\n"}
    (project / "cards").mkdir(parents=True)
    for path, text in old.items():
        (project / path).write_text(text, encoding="utf-8")

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (600, 600))

    command = [sys.executable, "-m", "lmndeck", "init", "--force", str(project)]
    cut = subprocess.run(command, preexec_fn=limited, capture_output=True, timeout=60)
    assert cut.returncode == 1, cut.stderr
    for path, text in old.items():
        now = (project / path).read_text(encoding="utf-8")
        assert now in (text, (fresh / path).read_text(encoding="utf-8")), (path, now[:80])


def test_init_says_when_the_project_lands_inside_another_git_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Followed literally from lmndeck's clone, init would put the deck in the tool's history."""
    (tmp_path / "lmndeck-clone" / ".git").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "lmndeck-clone")
    inside = run("init", "mydeck")
    assert inside.exit_code == 0, inside.output
    assert "is inside the git repository" in inside.output and "cd ~" in inside.output
    monkeypatch.chdir(tmp_path)
    outside = run("init", "own-deck")
    assert "is inside" not in outside.output and "git init" in outside.output
