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
from tests.test_import_markdown import imported, in_project, written

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


# A note as students write them: key terms with details under them, a short introduction,
# numbered steps that start in bold, nested lists, callouts after them and with a list inside.
NESTED = """\
## Nephrotic syndrome

- **Minimal change disease**: The most common cause in children.
  - Podocyte effacement on electron microscopy
  - Responds to steroids
- **FSGS**: The most common cause in adults.

## Causes of metabolic acidosis

Causes include:

- Diabetic ketoacidosis
  - Type 1 diabetes
  - Starvation
- Lactic acidosis
- Renal failure

> [!tip] Exam pearl
> Compute the anion gap first.

## Myasthenia gravis

Drugs to avoid:

- Aminoglycosides
- Magnesium

## Approach to a blood gas

1. **Look** at the pH
2. **Check** the PaCO2
3. Compute the anion gap

> [!faq]- Why the gap?
> It splits the acidoses:
> - high gap
> - normal gap
"""


@pytest.fixture
def nested(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return in_project(tmp_path, monkeypatch, "renal.md", NESTED)


def test_a_list_under_a_key_term_is_a_list_asked_about_the_term(nested: Path) -> None:
    facts = facts_by_id(imported(nested))
    assert facts["minimal-change-disease"]["text"] == (
        "{{Minimal change disease}}: The most common cause in children."
    )
    assert facts["nephrotic-syndrome-minimal-change-disease"] == {
        "id": "nephrotic-syndrome-minimal-change-disease",
        "text": "Nephrotic syndrome: Minimal change disease",
        "list": ["Podocyte effacement on electron microscopy", "Responds to steroids"],
    }
    assert not any(fact.get("draft") for fact in facts.values() if "Podocyte" in str(fact))


def test_a_short_introduction_is_asked_with_its_heading(nested: Path) -> None:
    facts = facts_by_id(imported(nested))
    # 'Causes include' alone says not what is asked; the heading says it all
    assert facts["causes-include"]["text"] == "Causes of metabolic acidosis"
    assert facts["drugs-to-avoid"]["text"] == "Myasthenia gravis: Drugs to avoid"
    nested_list = facts["causes-of-metabolic-acidosis-diabetic-ketoacidosis"]
    assert nested_list["text"] == "Causes of metabolic acidosis: Diabetic ketoacidosis"


def test_a_callout_after_a_list_adds_to_the_list_not_to_a_list_nested_in_it(nested: Path) -> None:
    facts = facts_by_id(imported(nested))
    assert facts["causes-include"]["extra"] == "Exam pearl: Compute the anion gap first."
    assert "extra" not in facts["causes-of-metabolic-acidosis-diabetic-ketoacidosis"]


def test_numbered_steps_that_start_in_bold_are_steps(nested: Path) -> None:
    steps = facts_by_id(imported(nested))["approach-to-a-blood-gas"]
    assert steps["list"] == ["Look at the pH", "Check the PaCO2", "Compute the anion gap"]
    assert steps["ordered"] is True
    # a callout titled with a question, its list's items apart
    assert steps["extra"] == "Why the gap? It splits the acidoses: high gap; normal gap"


def test_the_import_summary_counts_drafts_only_when_there_are_some(nested: Path) -> None:
    result = run("import", str(nested), "-o", "-")
    assert result.stderr == "7 facts, 0 comparisons.\n"


def test_nested_lists_build_into_list_cards_in_anki(
    nested: Path, tmp_path: Path, collection: AnkiCollection
) -> None:
    assert run("import", str(nested)).exit_code == 0
    lint = run("lint", "cards")
    assert "no-context" not in lint.output, lint.output  # every prompt says what is asked
    deck = tmp_path / "deck.apkg"
    built = run("build", "cards", "-o", str(deck))
    assert built.exit_code == 0, built.output
    collection.import_package(deck)
    assert len(collection.cards('note:"lmndeck list"')) == 2 + 3 + 2 + 2 + 3
    fronts = [visible(card.question) for card in collection.cards('note:"lmndeck list" Steroids')]
    assert any("Nephrotic syndrome: Minimal change disease" in front for front in fronts)
    steps = collection.cards('note:"lmndeck list" "Check the PaCO2"')
    assert len(steps) == 3 and all("in order" in visible(card.question) for card in steps)
    for card in steps:
        assert "Why the gap? It splits the acidoses: high gap; normal gap" in visible(card.answer)


def test_obsidian_marks_are_not_card_text(tmp_path: Path) -> None:
    notes = "## Symptoms #todo #exam/block-1\n\n"
    notes += "- [ ] Orthopnea\n- [x] ==Paroxysmal== nocturnal dyspnea\n- Edema ![[legs.png]]\n\n"
    notes += "## Tests\n\n- **BNP**: a ==marker== of wall stress\n"
    data = imported(written(tmp_path / "hf.md", notes))
    symptoms, bnp = data["facts"]
    # a task's box, a highlight's '==', an embedded file and a heading's tags are left out
    assert symptoms == {
        "id": "symptoms",
        "text": "Symptoms",
        "list": ["Orthopnea", "Paroxysmal nocturnal dyspnea", "Edema"],
    }
    assert bnp["text"] == "{{BNP}}: a marker of wall stress"


def test_what_is_inside_a_list_item_is_never_dropped(tmp_path: Path) -> None:
    notes = "## Terms\n\n- **Acidemia**: pH below 7.35.\n  > [!tip] Pearl\n  > Check it twice.\n"
    notes += "- **Alkalemia**: pH above 7.45.\n\n  It is rarer.\n\n  ```\n  code\n  ```\n\n"
    notes += "## Signs\n\n- Weakness\n- Atrophy\n\n  Of the muscle.\n"
    result = run("import", str(written(tmp_path / "items.md", notes)), "-o", "-")
    assert result.exit_code == 0, result.output
    facts = facts_by_id(yaml.safe_load(result.stdout))
    # a callout in an item adds to the item's fact, as after it
    assert facts["acidemia"]["extra"] == "Pearl: Check it twice."
    # an item's second paragraph is a draft, not an item of the list
    assert facts["signs"]["list"] == ["Weakness", "Atrophy"]
    drafts = {fact["back"] for fact in facts.values() if fact.get("draft")}
    assert drafts == {"It is rarer.", "Of the muscle."}
    assert "# not imported: code at line 10 of items.md" in result.stdout


def test_a_paragraph_in_an_item_introduces_no_list_after_the_list(tmp_path: Path) -> None:
    notes = "## Gas\n\n- **pH**: acidity.\n\n  Steps:\n\n1. Look at the pH\n2. Then the CO2\n"
    steps = facts_by_id(imported(written(tmp_path / "gas.md", notes)))["gas"]
    assert steps["text"] == "Gas"


def test_a_document_that_starts_with_its_title_is_a_deck_of_that_name(tmp_path: Path) -> None:
    document = tmp_path / "lecture-03.md"
    document.write_text("# Acid-base disorders #renal\n\n- **Acidemia**: pH below 7.35.\n", "utf-8")
    data = imported(document)
    assert data["deck"] == data["sources"]["text"]["title"] == "Acid-base disorders"
    # a front matter title names it first; a document that starts otherwise, its file
    document.write_text("---\ntitle: Renal 3\n---\n# Acid-base\n\n- **A**: b.\n", "utf-8")
    assert imported(document)["deck"] == "Renal 3"
    document.write_text("Intro.\n\n# Acid-base\n\n- **A**: b.\n", "utf-8")
    assert imported(document)["deck"] == "lecture-03"


@pytest.mark.parametrize(
    ("header", "title"),
    [
        ("| Feature | LMN lesion | UMN lesion |", "LMN lesion vs UMN lesion"),
        ("| | LMN lesion | UMN lesion |", "LMN lesion vs UMN lesion"),
        ("| Signs | LMN lesion | UMN lesion |", "LMN lesion vs UMN lesion"),
        # the rows are drugs, the columns what is said of each: no 'Class vs Effect'
        ("| Drug | Class | Effect |", "Drug: Class, Effect"),
    ],
)
def test_a_table_under_a_generic_heading_is_titled_by_what_it_compares(
    tmp_path: Path, header: str, title: str
) -> None:
    document = tmp_path / "t.md"
    document.write_text(f"## Overview\n\n{header}\n| - | - | - |\n| A | x | y |\n", "utf-8")
    assert imported(document)["comparisons"][0]["title"] == title


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
