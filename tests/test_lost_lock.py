"""A lost lock is not a first build (issue 19, class 6): with no deck to recover it from, a
build that finds evidence of an earlier one (the cache's mark of the lock it wrote, or git's
last commit) refuses rather than number every card afresh."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from lmndeck.cli import main
from tests.conftest import start_over

CARDS = """\
deck: Lost
sources: {notes: {title: Notes}}
source: notes
facts:
  - id: reflexes
    text: LMN lesions make reflexes {{hypoactive}} or {{absent}}.
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cards").mkdir()
    (tmp_path / "cards" / "deck.yaml").write_text(CARDS, encoding="utf-8")
    assert CliRunner().invoke(main, ["build"]).exit_code == 0
    return tmp_path


def git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "a", "GIT_AUTHOR_EMAIL": "a@b"}
    env |= {"GIT_COMMITTER_NAME": "a", "GIT_COMMITTER_EMAIL": "a@b"}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


@pytest.mark.parametrize("evidence", ["cache", "git", "both"])
def test_a_lost_lock_without_its_deck_is_refused(project: Path, evidence: str) -> None:
    if evidence != "cache":
        git(project, "init", "-q")
        git(project, "add", "cards")
        git(project, "commit", "-qm", "v1")
    if evidence == "git":
        shutil.rmtree(project / ".lmndeck-cache")
    (project / "cards" / "lmndeck.lock").unlink()
    shutil.rmtree(project / "dist")  # not where the build looks: moved, ignored, cleaned
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 1
    assert (
        "cards/lmndeck.lock:1:1: error[lock-unrecoverable]: the lock file is missing"
        in result.output
    )
    said = {"cache": "a build of this cards directory wrote it", "git": "git has it"}
    for what, text in said.items():
        assert (text in result.output) == (evidence in (what, "both"))
    assert "git checkout HEAD -- <lock>" in result.output
    assert not (project / "cards" / "lmndeck.lock").exists() and not (project / "dist").exists()


def test_a_first_build_without_evidence_starts_afresh(project: Path) -> None:
    start_over(project / "cards")
    shutil.rmtree(project / "dist")
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    assert (project / "cards" / "lmndeck.lock").is_file()


def test_the_merge_driver_takes_the_empty_base_of_an_add_add_conflict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both branches added the lock: git gives the driver an empty file as the base."""
    monkeypatch.chdir(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "README").write_text("a deck\n")
    git(tmp_path, "add", "README")
    git(tmp_path, "commit", "-qm", "start")
    lmndeck = shutil.which("lmndeck") or str(Path(sys.executable).parent / "lmndeck")
    git(tmp_path, "config", "merge.lmndeck-lock.driver", f"{lmndeck} lock merge %A %B %O")
    for branch, extra in (("one", "first"), ("two", "second")):  # two authors' clones
        git(tmp_path, "checkout", "-q", "-b", branch, "main")
        shutil.rmtree(tmp_path / ".lmndeck-cache", ignore_errors=True)
        (tmp_path / "cards").mkdir(exist_ok=True)
        (tmp_path / ".gitattributes").write_text("lmndeck.lock merge=lmndeck-lock\n")
        (tmp_path / "cards" / "deck.yaml").write_text(
            CARDS + f"  - id: {extra}\n    text: The {{{{{extra}}}}} fact.\n", encoding="utf-8"
        )
        assert CliRunner().invoke(main, ["build", "cards", "-o", "d.apkg"]).exit_code == 0
        git(tmp_path, "add", "cards", ".gitattributes")
        git(tmp_path, "commit", "-qm", branch)
    merge = subprocess.run(
        ["git", "merge", "-q", "one"], cwd=tmp_path, capture_output=True, text=True
    )
    assert "Merge conflict in cards/lmndeck.lock" not in merge.stdout, merge
    lock = (tmp_path / "cards" / "lmndeck.lock").read_text()
    assert "<<<<<<<" not in lock
    assert '"fact/first"' in lock and '"fact/second"' in lock and '"fact/reflexes"' in lock
