"""'lmndeck import': a Markdown document becomes a draft cards file that builds as it is."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lmndeck.cli import main
from lmndeck.importers.cardsyaml import cards_yaml, scalar
from lmndeck.importers.markdown import import_markdown
from lmndeck.loader import FORBIDDEN
from lmndeck.pipeline import build, plan
from lmndeck.project import draft_problems, load_project
from tests.anki_client import AnkiCollection, visible

LECTURE = """\
---
title: Physiology of Lower Motor Neuron Lesions
videoId: xWPaCACoam4
---

From: [[marrowmed]] <br/>

Lower motor neurons [[muscle_anatomy|innervate skeletal muscle]] <a class="yt-timestamp" data-t="00:07:34">[00:07:34]</a>.

## Key Characteristics of LMN Lesions

*   **Fasciculations** <a class="yt-timestamp" data-t="00:08:09">[00:08:09]</a>: Involuntary twitching of fibers under the skin. These are classical of LMN lesions <a class="yt-timestamp" data-t="00:09:00">[00:09:00]</a>.
*   **Atrophy of the muscle** <a class="yt-timestamp" data-t="00:08:31">[00:08:31]</a>: A decrease in muscle mass.
*   Weakness without a key term.

## LMN vs UMN

| Feature | Lower Motor Neuron Lesion | Upper Motor Neuron Lesion |
| :-- | :-- | :-- |
| **Muscle Tone** | Reduced (hypotonia) <a class="yt-timestamp" data-t="00:09:11">[00:09:11]</a> | Spasticity <a class="yt-timestamp" data-t="00:09:07">[00:09:07]</a> |
| **Innervation** | Directly [[innervation|supplies muscle]] | Regulates the LMN |
| **Involuntary Movements** | Fasciculations | No fasciculations |
| **Tone** | Low | High |
| **Tone** | Lower | Higher |
"""


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def written(document: Path, text: str) -> Path:
    document.write_text(text, encoding="utf-8")
    return document


def in_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, text: str) -> Path:
    """The document ``name`` written in ``tmp_path``, which is the working directory."""
    monkeypatch.chdir(tmp_path)
    return written(tmp_path / name, text)


@pytest.fixture
def lecture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return in_project(tmp_path, monkeypatch, "lecture.md", LECTURE)


def imported(document: Path) -> dict[str, Any]:
    result = run("import", str(document), "-o", "-")
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(result.stdout)
    assert isinstance(data, dict)
    return data


def test_a_document_imported_into_a_project_joins_its_top_deck(
    lecture: Path, tmp_path: Path
) -> None:
    """Not a second top-level deck beside the project's: a subdeck of the deck its files share."""
    (tmp_path / "cards").mkdir()
    own = (
        "deck: Mydeck\nsource: t\nsources: {t: {title: T}}\nfacts:\n  - id: a\n    text: '{{x}}'\n"
    )
    (tmp_path / "cards" / "renal.yaml").write_text(own, encoding="utf-8")
    result = run("import", str(lecture))
    assert result.exit_code == 0, result.output
    assert "under the project's top deck Mydeck" in result.output
    data = yaml.safe_load((tmp_path / "cards" / "lecture.yaml").read_text(encoding="utf-8"))
    assert data["deck"].startswith("Mydeck::") and data["deck"].count("::") == 1
    assert run("build").exit_code == 0
    assert run("stats").output.startswith("Mydeck: ")  # the project's top deck is unchanged


def test_the_document_becomes_a_cards_file_that_builds(lecture: Path, tmp_path: Path) -> None:
    result = run("import", str(lecture))
    assert result.exit_code == 0, result.output
    assert "Wrote cards/lecture.yaml (deck " in result.output
    written = (tmp_path / "cards" / "lecture.yaml").read_text(encoding="utf-8")
    assert written.startswith("# Imported from lecture.md by 'lmndeck import'.\n")
    built = run("build")
    assert built.exit_code == 0, built.output
    assert "3 drafts left out ('lmndeck check' lists them)" in built.output
    assert "warning[draft]" not in built.output


def test_front_matter_makes_the_deck_and_a_video_source(lecture: Path) -> None:
    data = imported(lecture)
    assert data["deck"] == "Physiology of Lower Motor Neuron Lesions"
    assert data["sources"] == {
        "video": {
            "youtube": "xWPaCACoam4",
            "title": "Physiology of Lower Motor Neuron Lesions",
            "author": "marrowmed",  # from the 'From: [[marrowmed]]' line
        }
    }
    assert data["source"] == "video"


def test_a_bold_key_term_is_the_deletion_and_the_explanation_its_context(lecture: Path) -> None:
    facts = {fact["id"]: fact for fact in imported(lecture)["facts"]}
    assert facts["fasciculations"] == {
        "id": "fasciculations",
        "text": "{{Fasciculations}}: Involuntary twitching of fibers under the skin.",
        "extra": "These are classical of LMN lesions.",
        "source": "video 08:09",  # the anchor that follows the term
    }
    # The context names the answer ('muscle'): a draft, for the author to reword.
    assert facts["atrophy-of-the-muscle"]["draft"] is True


def test_paragraphs_and_bullets_without_a_key_term_are_drafts_never_dropped(
    lecture: Path,
) -> None:
    facts = imported(lecture)["facts"]
    drafts = [fact for fact in facts if fact.get("draft")]
    backs = [fact.get("back") for fact in drafts]
    assert "Lower motor neurons innervate skeletal muscle." in backs  # wiki link -> its label
    assert "Weakness without a key term." in backs
    paragraph = next(fact for fact in drafts if fact.get("source") == "video 07:34")
    assert paragraph["front"] == "Physiology of Lower Motor Neuron Lesions"


def test_a_table_becomes_a_comparison(lecture: Path) -> None:
    (comparison,) = imported(lecture)["comparisons"]
    assert comparison["title"] == "LMN vs UMN"
    assert comparison["columns"] == {
        "lower-motor-neuron-lesion": "Lower Motor Neuron Lesion",
        "upper-motor-neuron-lesion": "Upper Motor Neuron Lesion",
    }
    tone, innervation, movements, same, again = comparison["rows"]
    assert tone == {
        "feature": "Muscle Tone",  # bold reduced to text
        "lower-motor-neuron-lesion": {"text": "Reduced (hypotonia)", "source": "video 09:11"},
        "upper-motor-neuron-lesion": {"text": "Spasticity", "source": "video 09:07"},
    }
    # A wiki link's '|' does not split the cell.
    assert innervation["lower-motor-neuron-lesion"] == "Directly supplies muscle"
    # An absent sign is evidence for no column, and 'LMN' names the other column's own
    # abbreviation: neither becomes a discrimination card.
    assert movements["upper-motor-neuron-lesion"]["discrimination"] is False
    assert innervation["upper-motor-neuron-lesion"] == "Regulates the LMN"
    # Two rows with one feature: the second gets an id of its own.
    assert "id" not in same
    assert again["id"] == "tone-5"


def test_importing_again_gives_the_same_file(lecture: Path) -> None:
    first = run("import", str(lecture), "-o", "-").stdout
    assert run("import", str(lecture), "-o", "-").stdout == first


def test_an_existing_file_is_kept_without_force(lecture: Path, tmp_path: Path) -> None:
    target = tmp_path / "cards" / "lecture.yaml"
    target.parent.mkdir()
    target.write_text("my edits", encoding="utf-8")
    result = run("import", str(lecture))
    assert result.exit_code == 1
    assert "cards/lecture.yaml:1:1: error[output-exists]: the cards file exists already" in (
        result.output
    )
    assert "hint: add --force to overwrite it" in result.output
    assert target.read_text(encoding="utf-8") == "my edits"
    assert run("import", str(lecture), "--force").exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("# Imported from lecture.md")


def test_a_document_without_front_matter_is_its_own_text_source(tmp_path: Path) -> None:
    document = "**Poliomyelitis**\n\nPolio is caused by **poliovirus**, a picornavirus.\n"
    data = yaml.safe_load(cards_yaml(import_markdown(document, "course.txt")))
    assert data["deck"] == "course"
    assert data["sources"] == {"text": {"title": "course"}}
    (fact,) = data["facts"]
    # A paragraph with bold terms: a draft asking them; the bold paragraph is its heading.
    assert fact["text"] == "Polio is caused by {{poliovirus}}, a picornavirus."
    assert fact["draft"] is True


def test_a_document_without_text_is_an_error(tmp_path: Path) -> None:
    document = tmp_path / "empty.md"
    document.write_text("---\ntitle: T\n---\n\n<br/>\n", encoding="utf-8")
    result = run("import", str(document), "-o", "-")
    assert result.exit_code == 1
    assert "error[no-items]: the document has no text to import" in result.output


def test_a_document_that_is_not_utf8_is_an_error(tmp_path: Path) -> None:
    document = tmp_path / "latin1.md"
    document.write_bytes(b"**Caf\xe9**: coffee\n")
    result = run("import", str(document), "-o", "-")
    assert result.exit_code == 1
    assert "error[not-utf8]" in result.output


def test_the_imported_deck_imports_into_anki(
    lecture: Path, tmp_path: Path, collection: AnkiCollection
) -> None:
    assert run("import", str(lecture)).exit_code == 0
    deck = tmp_path / "deck.apkg"
    build(tmp_path / "cards", deck)
    collection.import_package(deck)
    (card,) = collection.cards('note:"lmndeck cloze"')
    assert "[...]: Involuntary twitching" in visible(card.question)
    assert "youtube.com" in card.answer and "t=489" in card.answer  # 08:09


HOSTILE = [
    "quotes \" and ' here",
    "a colon: then more",
    "a # hash and a #tag",
    "{{braces}} and }} and {",
    "c1::anki and @label x",
    "yes",
    "null",
    "1995",
    "- a dash",
    "? question",
    "Ünïcödé 漢字 😀 ‏עברית",
    "control \x01 and \u2028 line separator and \x7f",
    "x" * 5000,
    "ends with a colon:",
    "*not bold* **bold**",
]


def hostile_document(text: str) -> str:
    one_line = " ".join(text.split()) or "x"
    # In the front matter (YAML), an escaped forbidden character is an error, as in cards files.
    title = yaml.safe_dump(FORBIDDEN.sub(" ", one_line), allow_unicode=True).splitlines()[0]
    return textwrap.dedent(
        f"""\
        ---
        title: {title}
        videoId: xWPaCACoam4
        ---

        ## {one_line}

        {one_line}

        *   **{one_line}** <a class="yt-timestamp" data-t="00:01:02">x</a>: {one_line}. {one_line}
        *   **Term**: {one_line}
        *   {one_line}

        | {one_line} | {one_line} | B {one_line} |
        | --- | --- | --- |
        | {one_line} | {one_line} | other {one_line} |
        | {one_line} | yes | no |
        """
    )


def builds(document: str, root: Path) -> None:
    """The imported file loads, and the whole pipeline plans a deck from it."""
    cards = root / "cards"
    shutil.rmtree(cards, ignore_errors=True)
    cards.mkdir(parents=True)
    items = import_markdown(document, "doc.md")
    if not items.facts and not items.comparisons:  # refused by 'lmndeck import'
        return
    (cards / "doc.yaml").write_text(cards_yaml(items), "utf-8")
    project = load_project(cards)
    assert plan(cards).live_notes + len(draft_problems(project)) > 0


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_always_imports_into_a_file_that_builds(text: str, tmp_path: Path) -> None:
    builds(hostile_document(text), tmp_path)


@settings(
    max_examples=25 if os.environ.get("CI") else 60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.text(min_size=1, max_size=60))
def test_any_text_imports_into_a_file_that_builds(tmp_path: Path, text: str) -> None:
    builds(hostile_document(text), tmp_path)


@given(st.text(max_size=40))
def test_a_scalar_reads_back_as_its_text(text: str) -> None:
    clean = "".join(ch for ch in text if ch.isprintable() or ch == " ")
    assert yaml.safe_load(f"k: {scalar(clean)}") == {"k": clean}
    assert yaml.safe_load(f"{{k: {scalar(clean, flow=True)}}}") == {"k": clean}
