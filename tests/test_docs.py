"""The README stays true: its example builds, and CI runs its test command."""

from __future__ import annotations

import re
from pathlib import Path

from lmndeck.pipeline import notes_of, plan
from lmndeck.project import load_project

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
    result = plan(ROOT / "cards")
    cloze, cells = result.cards("cloze"), result.cards("cell")
    discrimination = result.cards("discrimination")
    total = cloze + cells + discrimination
    assert (
        f"{result.live_notes} notes, {total} cards "
        f"({cloze} cloze, {cells} table, {discrimination} discrimination)" in README
    )
    assert (
        f"| **total** | **{result.live_notes}** | **{cloze}** | **{cells}** | **{discrimination}** |"
        in README
    )
