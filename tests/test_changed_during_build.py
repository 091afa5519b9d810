"""A branch switch while a build runs: the build never writes a lock it did not start from.

git (checkout, pull, merge, stash) replaces the cards files and the lock file under a build
that is already reading, which is easy with 'lmndeck build --watch'. Such a build used to write
the old branch's lock over the one git just put there (issue 19, class 1).
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lmndeck import cache, package, pipeline, project
from lmndeck.cli import main
from lmndeck.package import PackageContents

BRANCH_A = """\
deck: Branches
sources: {notes: {title: Notes}}
source: notes
facts:
  - id: reflexes
    text: LMN lesions make reflexes {{hypoactive}} or {{absent}}.
"""
# branch B gave card 3 to another deletion
BRANCH_B = BRANCH_A.replace(
    "{{hypoactive}} or {{absent}}", "{{hypoactive}}, {{absent}} or {{lost}}"
)


def build(root: Path) -> None:
    result = CliRunner().invoke(main, ["build", str(root / "cards"), "-o", str(root / "d.apkg")])
    assert result.exit_code == 0, result.output


@pytest.fixture
def branches(tmp_path: Path) -> tuple[Path, Path]:
    """Two checkouts of one project: A as built on branch A, B as built on branch B."""
    a, b = tmp_path / "a", tmp_path / "b"
    (a / "cards").mkdir(parents=True)
    (a / "cards" / "deck.yaml").write_text(BRANCH_A, encoding="utf-8")
    build(a)
    shutil.copytree(a, b)
    (b / "cards" / "deck.yaml").write_text(BRANCH_B, encoding="utf-8")
    build(b)
    return a, b


def during_packaging(monkeypatch: pytest.MonkeyPatch, change: Callable[[], None]) -> None:
    """Run ``change`` once the build has planned, before it writes: git's moment."""

    def package_bytes(contents: PackageContents, *kept: Any) -> bytes:
        change()
        return package.package_bytes(contents, *kept)

    monkeypatch.setattr(pipeline, "package_bytes", package_bytes)


@pytest.mark.parametrize("replaced", ["lock and cards", "lock", "cards"])
def test_a_checkout_during_a_build_is_refused_and_keeps_what_git_wrote(
    branches: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, replaced: str
) -> None:
    a, b = branches
    (a / "cards" / "deck.yaml").write_text(BRANCH_A.replace("LMN", "Lower motor neuron"))
    deck = (a / "d.apkg").read_bytes()

    names = {"lock": ["lmndeck.lock"], "cards": ["deck.yaml"]}
    replaced_files = [name for part in replaced.split(" and ") for name in names[part]]

    def checkout() -> None:  # git checkout B: its files replace A's
        for name in replaced_files:
            shutil.copy(b / "cards" / name, a / "cards" / name)

    during_packaging(monkeypatch, checkout)
    result = CliRunner().invoke(main, ["build", str(a / "cards"), "-o", str(a / "d.apkg")])
    assert result.exit_code == 1
    assert "error[changed-during-build]" in result.output and "nothing was written" in result.output
    assert (a / "d.apkg").read_bytes() == deck
    if "lock" in replaced:
        assert (a / "cards" / "lmndeck.lock").read_bytes() == (
            b / "cards" / "lmndeck.lock"
        ).read_bytes()
    monkeypatch.undo()
    if replaced != "cards":  # the next build, on B's files, keeps B's numbers
        shutil.copy(b / "cards" / "deck.yaml", a / "cards" / "deck.yaml")
        build(a)
        assert '"lost": 3' in (a / "cards" / "lmndeck.lock").read_text()


def test_a_save_while_a_file_renders_is_refused_and_caches_nothing_an_undo_would_bring_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file taken in outline is read again when a note of it must render anew: an editor's
    save in between is refused, and nothing rendered from the saved text is cached under the
    bytes the build planned from, where the next build (after the save is undone) would find
    it and ship the undone text."""
    cards = tmp_path / "cards"
    cards.mkdir()
    (cards / "a.yaml").write_text(BRANCH_A, encoding="utf-8")
    other = BRANCH_A.replace("deck: Branches", "deck: Other").replace("id: reflexes", "id: tone")
    (cards / "b.yaml").write_text(other, encoding="utf-8")
    build(tmp_path)
    (cards / "b.yaml").write_text(other.replace("reflexes", "tone"), encoding="utf-8")
    build(tmp_path)  # a.yaml is in outline now
    for what in ("fields", "notes"):  # a.yaml's notes must render anew
        cache.file_entry(cards, cards / "a.yaml", what).unlink()
    planned = project.PlanFile.planned

    def saved_meanwhile(file: project.PlanFile, root: Path) -> Any:
        if file.outline.path == "a.yaml":
            (cards / "a.yaml").write_text(BRANCH_A.replace("LMN", "EDITED"), encoding="utf-8")
        return planned(file, root)

    monkeypatch.setattr(project.PlanFile, "planned", saved_meanwhile)
    (cards / "b.yaml").write_text(other, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(cards), "-o", str(tmp_path / "d.apkg")])
    assert result.exit_code == 1
    assert "error[changed-during-build]" in result.output
    assert "a.yaml changed while this build ran" in result.output
    monkeypatch.setattr(project.PlanFile, "planned", planned)
    (cards / "a.yaml").write_text(BRANCH_A, encoding="utf-8")  # the save undone
    build(tmp_path)
    with zipfile.ZipFile(tmp_path / "d.apkg") as deck:
        collection = deck.read("collection.anki2")
    assert b"EDITED" not in collection and b"LMN lesions" in collection
