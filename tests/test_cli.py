"""The command line, through click's CliRunner, in a fresh working directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lmndeck import __version__
from lmndeck.cli import main
from tests.conftest import SAMPLE, WriteCards

DECK = Path("dist/neurology-demo.apkg")


@pytest.fixture
def project(write_cards: WriteCards, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_cards()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert __version__ in result.output


@pytest.mark.parametrize("command", [[], ["build"], ["check"], ["diff"], ["sync"]])
def test_help_teaches_with_an_example(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Usage: lmndeck" in result.output
    assert "\n    lmndeck " in result.output  # an example command line


def test_build_writes_the_deck_into_dist_named_after_the_top_deck(project: Path) -> None:
    result = run("build")
    assert result.exit_code == 0, result.output
    assert (project / DECK).is_file()
    assert f"Built {DECK}: 6 notes, 6 cards (2 cloze, 4 comparison)" in result.output
    assert (project / "cards" / "lmndeck.lock").is_file()


def test_build_to_a_chosen_path(project: Path) -> None:
    result = run("build", "cards", "-o", "out/my.apkg")
    assert result.exit_code == 0, result.output
    assert (project / "out" / "my.apkg").is_file()


def test_same_input_gives_byte_identical_decks(project: Path) -> None:
    run("build")
    first = (project / DECK).read_bytes()
    os.utime(project / "cards" / "demo.yaml")  # a new mtime must not matter either
    run("build")
    assert (project / DECK).read_bytes() == first


def test_check_accepts_good_cards(project: Path) -> None:
    result = run("check")
    assert result.exit_code == 0
    assert "1 file, 2 facts, 1 comparison: no problems" in result.output


def test_bad_input_exits_1_with_located_errors_and_keeps_the_old_deck(project: Path) -> None:
    run("build")
    good = (project / DECK).read_bytes()
    lock = (project / "cards" / "lmndeck.lock").read_bytes()
    path = project / "cards" / "demo.yaml"
    path.write_text(path.read_text().replace("{{Fasciculations}}", "{{Fasciculations"))
    result = run("build")
    assert result.exit_code == 1
    assert "cards/demo.yaml:11:12: error[cloze-syntax]: deletion is not closed" in result.output
    assert "hint:" in result.output
    assert "Traceback" not in result.output
    assert (project / DECK).read_bytes() == good
    assert (project / "cards" / "lmndeck.lock").read_bytes() == lock
    assert sorted(p.name for p in (project / "dist").iterdir()) == [DECK.name]


def test_usage_errors_exit_2(project: Path) -> None:
    assert run("build", "--no-such-option").exit_code == 2
    assert run("no-such-command").exit_code == 2


def test_missing_directory_is_a_clear_error(project: Path) -> None:
    result = run("check", "nowhere")
    assert result.exit_code == 1
    assert "nowhere:1:1: error[no-directory]: no such directory" in result.output


def test_unwritable_output_is_a_clear_error(project: Path) -> None:
    (project / "blocker").write_text("a file where a folder should be")
    result = run("build", "-o", "blocker/deck.apkg")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "error[cannot-write]:" in result.output


def test_build_check_passes_when_up_to_date_and_fails_after_an_edit(project: Path) -> None:
    run("build")
    result = run("build", "--check")
    assert result.exit_code == 0, result.output
    path = project / "cards" / "demo.yaml"
    path.write_text(path.read_text().replace("highly classical", "typical"))
    result = run("build", "--check")
    assert result.exit_code == 1
    assert "lock file is out of date" in result.output


def test_build_check_fails_when_the_deck_drifted(project: Path) -> None:
    run("build")
    (project / DECK).write_bytes(b"stale")
    result = run("build", "--check")
    assert result.exit_code == 1
    assert "the deck is not what the cards files build" in result.output


def test_diff_lists_what_the_next_build_changes(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("build")
    assert "No changes" in run("diff").output
    path = project / "cards" / "demo.yaml"
    text = path.read_text().replace("highly classical", "typical")
    path.write_text(
        text.replace(
            "  - id: babinski",
            "  - id: new\n    text: '{{new}} fact'\n    source: text\n  - id: babinski",
        )
    )
    output = run("diff").output
    assert "added:\n  fact/new" in output
    assert "changed:\n  fact/fasciculations" in output
    assert "new cards:\n  fact/new#1" in output


def test_runs_as_a_module() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "lmndeck", "--version"], capture_output=True, text=True, check=True
    )
    assert __version__ in result.stdout


def test_a_command_runs_without_the_cyclic_garbage_collector() -> None:
    """It would only walk a build's objects again at its end (see lmndeck/__main__.py)."""
    script = (
        "import gc, os, sys\n"
        "from lmndeck.__main__ import run\n"
        "end = os._exit\n"
        "os._exit = lambda status: (print('collector on:', gc.isenabled(), flush=True), end(status))\n"
        "sys.argv = ['lmndeck', '--version']\n"
        "run()\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.stdout.splitlines()[-1] == "collector on: False"


@pytest.mark.parametrize(
    ("arguments", "status"), [(["--version"], 0), (["check", "no-such-dir"], 1), (["nope"], 2)]
)
def test_a_command_ends_at_once_with_its_status_and_all_its_output(
    arguments: list[str], status: int, tmp_path: Path
) -> None:
    """The process ends without freeing its objects or running exit handlers (see
    lmndeck/__main__.py), and nothing is lost of what it printed into a pipe: the same as the
    command line ending as Python ends."""
    script = (
        "import atexit, sys\n"
        "from lmndeck.__main__ import run\n"
        "atexit.register(lambda: print('exit handlers ran'))\n"
        f"sys.argv = ['lmndeck', *{arguments!r}]\n"
        "run()\n"
    )
    ended = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path
    )
    exiting = f"from lmndeck.cli import main\nmain({arguments!r}, prog_name='lmndeck')\n"
    normal = subprocess.run(
        [sys.executable, "-c", exiting], capture_output=True, text=True, cwd=tmp_path
    )
    assert ended.returncode == normal.returncode == status
    assert "exit handlers ran" not in ended.stdout
    assert (ended.stdout, ended.stderr) == (normal.stdout, normal.stderr) != ("", "")


def test_only_a_build_after_another_says_what_changed_since_it(
    write_cards: WriteCards, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_cards()
    monkeypatch.chdir(tmp_path)
    first = CliRunner().invoke(main, ["build"])
    assert first.exit_code == 0, first.output
    assert "; the first build." in first.output and "since the last build" not in first.output
    write_cards(SAMPLE.replace("deck: Neurology::Demo", "deck: Neurology::Demo\n# edited"))
    (tmp_path / "cards" / "more.yaml").write_text(
        "deck: More\nsources: {t: {title: T}}\nsource: t\nfacts:\n"
        "  - id: more\n    text: The {{knee jerk}} tests L4.\n",
        encoding="utf-8",
    )
    second = CliRunner().invoke(main, ["build"])
    assert "1 added, 0 changed, 0 removed since the last build" in second.output
    assert "first build" not in second.output


@pytest.mark.parametrize(
    ("cited", "hint"),
    [
        ("lectrue", "did you mean 'lecture'? Sources are"),
        ("book", "expected one of: lecture, video. Sources are"),
    ],
)
def test_an_unknown_source_is_told_in_two_sentences(
    write_cards: WriteCards, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cited: str, hint: str
) -> None:
    write_cards(
        "deck: Demo\nsources:\n  lecture: {title: A lecture}\n"
        "  video: {youtube: xWPaCACoam4, title: A video}\n"
        f"facts:\n  - id: a\n    text: The {{{{knee jerk}}}} tests L4.\n    source: {cited}\n"
    )
    monkeypatch.chdir(tmp_path)
    lines = CliRunner().invoke(main, ["check"]).output.splitlines()
    assert lines[:2] == [
        f"cards/demo.yaml:8:13: error[unknown-source]: unknown source '{cited}'",
        f"  hint: {hint} defined under 'sources:' at the top of the file",
    ]
