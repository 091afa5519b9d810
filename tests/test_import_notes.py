"""'lmndeck import' of a student's own Obsidian-style notes: lists, tags, callouts, tables under
generic headings; and the importer's bounds (front matter, wide tables, odd file names)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from lmndeck.cli import main
from tests.anki_client import AnkiCollection, visible
from tests.test_import_markdown import imported

NOTES = Path(__file__).parent / "fixtures" / "notes" / "lmn-lecture.md"
# A hang guard for the hostile inputs, not a timing claim: each finishes in well under a second.
HANG = 60


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def notes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return Path(shutil.copy(NOTES, tmp_path / NOTES.name))


def facts_by_id(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {fact["id"]: fact for fact in data["facts"]}


def test_a_plain_bullet_list_is_one_list_fact_asked_by_its_heading(notes: Path) -> None:
    facts = facts_by_id(imported(notes))
    assert facts["signs-of-an-lmn-lesion"] == {
        "id": "signs-of-an-lmn-lesion",
        "text": "Signs of an LMN lesion",
        "list": ["Weakness", "Atrophy", "Fasciculations", "Hypotonia", "Hyporeflexia"],
    }
    # no bullet of it became a draft of its own
    assert not any(fact.get("back") == "Weakness" for fact in facts.values())


def test_numbered_steps_are_an_ordered_list(notes: Path) -> None:
    steps = facts_by_id(imported(notes))["examining-a-reflex"]
    assert steps["list"][0] == "Position the limb relaxed"
    assert steps["ordered"] is True


def test_a_paragraph_introducing_a_list_is_its_prompt(notes: Path) -> None:
    facts = facts_by_id(imported(notes))
    causes = facts["causes-of-an-lmn-lesion-include"]
    assert causes["text"] == "Causes of an LMN lesion include"
    assert causes["list"] == ["Poliomyelitis", "Motor neuron disease", "Peripheral neuropathy"]
    assert "draft" not in causes
    assert not any(fact.get("back", "").startswith("Causes") for fact in facts.values())


def test_key_term_bullets_stay_cloze_facts(notes: Path) -> None:
    fact = facts_by_id(imported(notes))["fasciculations"]
    assert fact["text"] == "{{Fasciculations}}: Visible twitches of a motor unit under the skin."


def test_front_matter_tags_tag_every_note(notes: Path) -> None:
    # '#' dropped, Obsidian's nesting '/' made Anki's '::'
    assert imported(notes)["tags"] == ["neurology", "exam::block-2", "lmn"]


def test_a_callout_is_the_extra_of_the_fact_before_it_not_literal_text(notes: Path) -> None:
    data = imported(notes)
    facts = facts_by_id(data)
    assert facts["hyporeflexia"]["extra"] == (
        "Exam pearl: Fasciculations without weakness or atrophy are usually benign."
    )
    # After a table, the table's extra (on the back of its cards).
    assert data["comparisons"][0]["extra"] == (
        "Warning: Acute UMN lesions can be flaccid at first (spinal shock)."
    )
    assert "[!" not in yaml.safe_dump(data)


def test_a_callout_with_nothing_before_it_is_a_draft(tmp_path: Path) -> None:
    document = tmp_path / "c.md"
    document.write_text("## Pearls\n\n> [!note] Polio\n> Paralysis in under 1%.\n", "utf-8")
    (fact,) = imported(document)["facts"]
    assert (fact["front"], fact["back"], fact["draft"]) == ("Polio", "Paralysis in under 1%.", True)


def test_a_table_under_a_generic_heading_is_titled_after_its_columns(notes: Path) -> None:
    (comparison,) = imported(notes)["comparisons"]
    assert comparison["title"] == "LMN lesion vs UMN lesion"


def test_a_table_under_a_telling_heading_keeps_it(tmp_path: Path) -> None:
    document = tmp_path / "t.md"
    document.write_text(
        "## Tone in lesions\n\n| F | LMN | UMN |\n| - | - | - |\n| Tone | Low | High |\n",
        encoding="utf-8",
    )
    assert imported(document)["comparisons"][0]["title"] == "Tone in lesions"


def test_the_imported_notes_build_into_what_anki_shows(
    notes: Path, tmp_path: Path, collection: AnkiCollection
) -> None:
    assert run("import", str(notes)).exit_code == 0
    deck = tmp_path / "deck.apkg"
    built = run("build", "cards", "-o", str(deck))
    assert built.exit_code == 0, built.output
    collection.import_package(deck)
    list_cards = collection.cards('note:"lmndeck list"')
    assert len(list_cards) == 5 + 3 + 3
    steps = [card for card in list_cards if "Examining a reflex" in visible(card.question)]
    assert len(steps) == 3 and all("in order" in visible(card.question) for card in steps)
    (pearl,) = collection.cards('note:"lmndeck cloze" Hyporeflexia')
    assert "Exam pearl: Fasciculations without weakness" in visible(pearl.answer)
    for note in collection.notes().values():
        assert {"neurology", "exam::block-2", "lmn"} <= set(note.tags)
    (cell, *_) = collection.cards('note:"lmndeck comparison cell" Tone')
    assert "flaccid at first (spinal shock)" in visible(cell.answer)


# -- bounds -------------------------------------------------------------------------------


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "lmndeck", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=HANG)


def test_a_billion_laughs_front_matter_is_read_without_expanding_it(tmp_path: Path) -> None:
    laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        laughs.append(f"{level}: &{level} [" + ",".join([f"*{previous}"] * 9) + "]")
    document = tmp_path / "laughs.md"
    document.write_text(
        "---\ntitle: Laughs\n" + "\n".join(laughs) + "\n---\n\n- **Term**: meaning.\n",
        encoding="utf-8",
    )
    assert len(document.read_bytes()) < 1024
    result = cli("import", "laughs.md", "-o", "-", cwd=tmp_path)
    # the cards loader's rule: an alias is an error where it is, never expanded
    assert result.returncode == 1, result.stderr
    assert "laughs.md:4:8: error[yaml-alias]" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_deeply_nested_front_matter_is_an_error_in_the_document(tmp_path: Path) -> None:
    document = tmp_path / "deep.md"
    document.write_text(
        "---\ntitle: Deep\nx: " + "[" * 5000 + "\n---\n\n- **Term**: meaning.\n", encoding="utf-8"
    )
    result = cli("import", "deep.md", "-o", "-", cwd=tmp_path)
    assert result.returncode == 1
    assert "deep.md:3:" in result.stderr and "error[too-deep]" in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_front_matter_is_an_error_at_its_line(tmp_path: Path) -> None:
    document = tmp_path / "bad.md"
    document.write_text('---\ntitle: T\nx: "\\x01"\n---\n\ntext\n', encoding="utf-8")
    result = run("import", str(document), "-o", "-")
    assert result.exit_code == 1
    assert "bad.md:3:" in result.output and "error[forbidden-character]" in result.output


def test_a_wide_table_imports_in_linear_time(tmp_path: Path) -> None:
    columns = 2000
    header = "| Feature | " + " | ".join(f"Column {n}" for n in range(columns)) + " |"
    rule = "|---" * (columns + 1) + "|"
    rows = [f"| Row {r} | " + " | ".join(f"v{n}" for n in range(columns)) + " |" for r in range(3)]
    (tmp_path / "wide.md").write_text("\n".join([header, rule, *rows]) + "\n", encoding="utf-8")
    result = cli("import", "wide.md", "-o", "-", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "column-1999: Column 1999" in result.stdout


def test_a_file_name_with_a_line_break_stays_in_its_comment(tmp_path: Path) -> None:
    document = tmp_path / "notes\ndeck: Injected\nx.md"
    document.write_text("- **Term**: meaning.\n", encoding="utf-8")
    result = run("import", str(document), "-o", "-")
    assert result.exit_code == 0, result.output
    first, second, *_ = result.stdout.splitlines()
    assert first == "# Imported from notes deck: Injected x.md by 'lmndeck import'."
    data = yaml.safe_load(result.stdout)
    assert second == 'deck: "notes deck: Injected x"'  # the name, quoted: text, not a key
    assert set(data) == {"deck", "sources", "source", "facts"}


def test_import_force_replaces_the_file_whole_never_in_place(notes: Path, tmp_path: Path) -> None:
    target = tmp_path / "cards" / "lmn-lecture.yaml"
    target.parent.mkdir()
    target.write_text("my edits\n", encoding="utf-8")
    with target.open(encoding="utf-8") as before:
        assert run("import", str(notes), "--force").exit_code == 0
        # The old file was replaced by a rename: whoever had it open (or a kill half-way)
        # still sees it whole; written in place, it would have been emptied first.
        assert before.read() == "my edits\n"
    assert target.read_text(encoding="utf-8").startswith("# Imported from lmn-lecture.md")
    assert [path.name for path in target.parent.iterdir()] == ["lmn-lecture.yaml"]
