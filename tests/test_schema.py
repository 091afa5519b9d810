"""'lmndeck schema' agrees with the reader: the keys each part of a cards file takes, and the
files the reader accepts (the shipped deck, the README's example, 'init', 'import')."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from lmndeck.cli import main
from lmndeck.problems import ContentError
from lmndeck.project import load_project
from lmndeck.rules import RULE_IDS
from lmndeck.schema import cards_schema
from tests.test_docs import code_blocks
from tests.test_media import png

ROOT = Path(__file__).resolve().parent.parent

# Every key of the format, each part once: the reader must accept it all.
EVERY_KEY = """\
deck: Demo::Every key
tags: [demo]
sources:
  video: {youtube: xWPaCACoam4, title: A video, author: Someone}
  notes: {title: Course notes, url: https://example.org}
source: video
facts:
  - id: cloze
    was: old-cloze
    text: "{{Atrophy}} is a loss of muscle."
    extra: on the back
    image: figure.png
    tags: [signs]
    source: video 08:09
    draft: false
    lint: {ignore: [long-answer]}
  - id: basic
    was: [old-basic]
    front: Which sign?
    back: Clonus
    reverse: true
    extra: on the back
    image: figure.png
    tags: signs
    source: video
    draft: false
    lint: {ignore: no-context}
  - id: list
    was: old-list
    text: LMN signs
    list: [Weakness, Atrophy]
    ordered: false
    extra: on the back
    image: figure.png
    tags: [signs]
    source: video 08:00
    draft: false
    lint: {ignore: [list-in-deletion]}
comparisons:
  - id: table
    was: old-table
    title: LMN vs UMN
    columns:
      lmn: {label: LMN lesion, was: lower}
      umn: UMN lesion
    rows:
      - id: tone
        feature: Muscle tone
        source: video 09:00
        was: muscle-tone
        lint: {ignore: [equal-row]}
        lmn: {text: Reduced, source: video 09:11, discrimination: true, lint: {ignore: [long-answer]}}
        umn: Spasticity
    extra: on the back
    image: figure.png
    tags: [comparison]
    source: video
    cards: [cells, discrimination]
    draft: false
    lint: {ignore: [answer-leak]}
"""


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    jsonschema.Draft202012Validator.check_schema(data)
    return data


def errors(schema: dict[str, Any], text: str) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema)
    return [error.message for error in validator.iter_errors(yaml.safe_load(text))]


def reader_accepts(text: str, tmp_path: Path) -> bool:
    cards = tmp_path / "cards"
    cards.mkdir(exist_ok=True)
    (cards / "file.yaml").write_text(text, encoding="utf-8")
    (cards / "figure.png").write_bytes(png())
    try:
        load_project(cards, rules=RULE_IDS)
    except ContentError:
        return False
    return True


def test_the_example_of_every_key_is_read_and_valid(schema: dict[str, Any], tmp_path: Path) -> None:
    assert reader_accepts(EVERY_KEY, tmp_path)
    assert errors(schema, EVERY_KEY) == []


def keys_used(text: str) -> dict[str, set[str]]:
    """The keys the example uses, per part of the format (as the schema's $defs name them)."""
    data = yaml.safe_load(text)
    facts = {fact["id"]: set(fact) for fact in data["facts"]}
    (table,) = data["comparisons"]
    (row,) = table["rows"]
    return {
        "file": set(data),
        "source": set(data["sources"]["video"]) | set(data["sources"]["notes"]),
        "cloze": facts["cloze"],
        "basic": facts["basic"],
        "list": facts["list"],
        "comparison": set(table),
        "column": set(table["columns"]["lmn"]),
        "row": set(row) - set(table["columns"]),
        "cell": set(row["lmn"]),
    }


def test_the_schema_has_exactly_the_keys_the_reader_takes(schema: dict[str, Any]) -> None:
    """The example uses every key the schema names; the reader accepts it (above), so each
    schema key is a reader key, and each reader key (the example is built from them) is in
    the schema."""
    parts = {**schema["$defs"], "file": schema}
    for part, keys in keys_used(EVERY_KEY).items():
        assert set(parts[part]["properties"]) == keys, part


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("deck: Demo", "dek: Demo"),  # an unknown key in the file
        ("    extra: on the back\n    image: figure.png\n    tags: [signs]", "    extr: x"),
        ("    image: figure.png\n    tags: signs", "    image: [figure.png]\n    tags: signs"),
        ("    front: Which sign?", "    front: Which sign?\n    hint: x"),
        ("    ordered: false", "    ordered: sometimes"),
        ("    cards: [cells, discrimination]", "    cards: [rows]"),
        ("        lmn: {text: Reduced,", "        lmn: {txt: Reduced,"),
        ("  video: {youtube", "  video: {yt"),
        (
            "    draft: false\n    lint: {ignore: [list",
            "    draft: maybe\n    lint: {ignore: [list",
        ),
        ("    lint: {ignore: [equal-row]}", "    lint: {ignore: [equal-rows]}"),
    ],
)
def test_what_the_reader_refuses_the_schema_flags(
    schema: dict[str, Any], tmp_path: Path, old: str, new: str
) -> None:
    broken = EVERY_KEY.replace(old, new, 1)
    assert broken != EVERY_KEY
    assert not reader_accepts(broken, tmp_path)
    assert errors(schema, broken)


def test_the_shipped_cards_are_valid(schema: dict[str, Any]) -> None:
    files = sorted((ROOT / "cards").glob("*.yaml"))
    assert files
    for path in files:
        assert errors(schema, path.read_text(encoding="utf-8")) == [], path.name


def test_the_readme_example_is_valid(schema: dict[str, Any]) -> None:
    (example,) = code_blocks("yaml")
    assert errors(schema, example) == []


def test_init_and_import_write_valid_files(
    schema: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["init", "deck"]).exit_code == 0
    written = sorted((tmp_path / "deck" / "cards").glob("*.yaml"))
    assert written
    for path in written:
        assert errors(schema, path.read_text(encoding="utf-8")) == [], path.name
    document = tmp_path / "notes.md"
    document.write_text(
        textwrap.dedent(
            """\
            # Notes
            * **Clonus**: rhythmic contractions after a sudden stretch.

            | Sign | LMN | UMN |
            | --- | --- | --- |
            | Tone | 1995 | yes |
            """
        ),
        encoding="utf-8",
    )
    imported = CliRunner().invoke(main, ["import", str(document), "-o", "-"])
    assert errors(schema, imported.stdout) == []


def test_the_schema_is_the_one_init_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["init", "deck"]).exit_code == 0
    written = json.loads((tmp_path / "deck" / "cards" / ".lmndeck-schema.json").read_text())
    assert written == cards_schema()


def test_schema_writes_a_file(tmp_path: Path) -> None:
    target = tmp_path / "schema.json"
    result = CliRunner().invoke(main, ["schema", "-o", str(target)])
    assert result.exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8")) == cards_schema()
