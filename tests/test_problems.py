"""Problems: a code and a level each, positions relative to the cards directory, three formats."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from lmndeck.cli import main
from lmndeck.problems import Code, ContentError
from lmndeck.project import load_project

BAD = """deck: Demo
sources:
  video: {youtube: xWPaCACoam4, title: A video}
source: video
facts:
  - id: one
    txet: "{{a}}"
"""


def write(tmp_path: Path) -> Path:
    cards = tmp_path / "cards"
    cards.mkdir()
    (cards / "demo.yaml").write_text(BAD, encoding="utf-8")
    return cards


def test_positions_are_relative_to_the_cards_directory(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as caught:
        load_project(write(tmp_path))
    assert [(p.position.path, p.code) for p in caught.value.problems] == [
        ("demo.yaml", Code.UNKNOWN_KEY)
    ]


@pytest.mark.parametrize(
    ("output_format", "expected"),
    [
        (
            "text",
            "cards/demo.yaml:7:5: error[unknown-key]: unknown key 'txet' in a fact\n"
            "  hint: did you mean 'text'?\n",
        ),
        (
            "github",
            "::error file=cards/demo.yaml,line=7,col=5,title=unknown-key::"
            "unknown key 'txet' in a fact%0Adid you mean 'text'?\n",
        ),
    ],
)
def test_formats(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output_format: str, expected: str
) -> None:
    write(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--format", output_format])
    assert result.exit_code == 1
    assert result.output.startswith(expected), result.output


def test_json_format_is_one_object_a_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path)
    monkeypatch.chdir(tmp_path / "cards")
    result = CliRunner().invoke(main, ["check", ".", "--format", "json"])
    first = json.loads(result.output.splitlines()[0])
    assert first == {
        "path": "demo.yaml",
        "line": 7,
        "column": 5,
        "level": "error",
        "code": "unknown-key",
        "message": "unknown key 'txet' in a fact",
        "hint": "did you mean 'text'?",
    }


EPOCH = "SOURCE_DATE_EPOCH='soon' is not a build time lmndeck can use"


@pytest.mark.parametrize(
    ("output_format", "expected"),
    [
        ("text", f"lmndeck: error[invalid-build-time]: {EPOCH}\n  hint: set it to whole"),
        ("github", f"::error title=invalid-build-time::{EPOCH}%0Aset it to whole"),
        ("json", '{"path": null, "line": null, "column": null, "level": "error"'),
    ],
)
def test_a_problem_of_no_file_is_printed_without_a_position(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output_format: str, expected: str
) -> None:
    write(tmp_path).joinpath("demo.yaml").write_text(BAD.replace("txet", "text"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")  # an environment variable: no file, no line
    result = CliRunner().invoke(main, ["build", "--format", output_format])
    assert result.exit_code == 1
    assert result.output.startswith(expected), result.output


def test_preview_with_anki_it_lacks_names_no_position(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path).joinpath("demo.yaml").write_text(BAD.replace("txet", "text"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, "anki", None)  # import anki now fails, as when not installed
    monkeypatch.setitem(sys.modules, "anki.buildinfo", None)
    result = CliRunner().invoke(main, ["preview", "-o", "-", "--renderer", "anki"])
    assert result.exit_code == 1
    assert result.output.startswith(
        "lmndeck: error[no-anki]: the 'anki' package is not installed, so Anki cannot render "
        "the preview\n"
    ), result.output


UNSOURCED = """deck: Demo
facts:
  - id: one
    text: "{{a}}"
comparisons:
  - id: t
    title: A vs B
    columns: {a: A, b: B}
    rows:
      - {id: x, feature: X, a: "1", b: "2"}
      - {id: y, feature: Y, a: "3", b: "4"}
"""


@pytest.mark.parametrize("command", [["check"], ["build"], ["lint"]])
def test_a_run_of_the_same_problem_gives_its_hint_once_in_text_and_every_time_in_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    """A file without sources: a line per fact and per cell (each clickable), the advice of
    each kind once, where it first appears."""
    cards = tmp_path / "cards"
    cards.mkdir()
    (cards / "demo.yaml").write_text(UNSOURCED, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    lines = CliRunner().invoke(main, command).output.splitlines()
    errors = [line for line in lines if "error[missing-source]" in line]
    hints = [line for line in lines if line.startswith("  hint: ")]
    assert len(errors) == 5  # the fact, four cells
    assert len(hints) == 2 and "the top of the file" in hints[0] and "the row" in hints[1]
    listed = CliRunner().invoke(main, [*command, "--format", "json"]).output.splitlines()
    objects = [json.loads(line) for line in listed if line.startswith("{")]
    assert len(objects) == 5 and all(item["hint"] for item in objects)


README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
SOURCES = "".join(
    path.read_text(encoding="utf-8")
    for path in (Path(__file__).resolve().parent.parent / "src" / "lmndeck").rglob("*.py")
)


@pytest.mark.parametrize("code", list(Code), ids=lambda code: code.value)
def test_every_code_is_kebab_case_used_and_documented(code: Code) -> None:
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", code.value)
    assert f"\n| `{code.value}` | " in README
    assert f"Code.{code.name}" in SOURCES
