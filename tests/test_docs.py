"""The README stays true: its example builds, and CI runs its test command."""

from __future__ import annotations

import re
from pathlib import Path

from lmndeck.kinds import KINDS
from lmndeck.package import OutputNote
from lmndeck.pipeline import plan
from lmndeck.project import load_project, notes_of

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def code_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, re.DOTALL)


def test_ci_runs_exactly_the_readme_test_command() -> None:
    test_command = next(block for block in code_blocks("sh") if "pytest" in block).strip()
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci_lines[-1] == test_command


def test_the_readme_example_is_a_valid_cards_file(tmp_path: Path) -> None:
    (example,) = code_blocks("yaml")
    (tmp_path / "example.yaml").write_text(example, encoding="utf-8")
    notes = notes_of(load_project(tmp_path))
    kinds = [note.kind.name for note in notes]
    # two facts, six cells, five discrimination cards (the absent sign is switched off)
    assert (kinds.count("cloze"), kinds.count("cell"), kinds.count("discrimination")) == (2, 6, 5)


def test_the_readme_states_the_decks_real_size() -> None:
    """The build line and the table of the deck section say what the cards build: per subdeck
    and in total, notes and cards of every kind the deck has (derived, so no count is typed
    twice; an author who adds cards updates the README when this fails)."""
    result = plan(ROOT / "cards")
    kinds = [noun for noun, _ in result.cards_by_kind]
    by_kind = ", ".join(f"{number} {noun}" for noun, number in result.cards_by_kind)
    total = sum(number for _, number in result.cards_by_kind)
    assert f"{result.live_notes} notes, {total} cards ({by_kind})" in README
    live = [note for note in result.contents.notes if not note.removed]
    top = result.project.top_deck
    header = f"| subdeck of `{top}` | notes | " + " | ".join(f"{noun} cards" for noun in kinds)
    assert header + " |" in README

    def counts(notes: list[OutputNote]) -> list[int]:
        cards = [
            sum(len(note.ords) for note in notes if note.kind == kind.name)
            for kind in KINDS
            if kind.cards_noun in kinds
        ]
        return [len(notes), *cards]

    for deck in sorted({note.deck for note in live}):
        row = [note for note in live if note.deck == deck]
        cells = " | ".join(str(number) for number in counts(row))
        name = deck.removeprefix(top + "::")
        row_line = rf"^\| `{re.escape(name)}`[^|\n]* \| {re.escape(cells)} \|$"
        assert re.search(row_line, README, re.MULTILINE), (name, cells)
    bold = " | ".join(f"**{number}**" for number in counts(live))
    assert f"| **total** | {bold} |" in README
