"""Lint speed on a large deck: loading the project, then every rule on it.
Run: .venv/bin/python bench/bench_lint.py [FACTS]

Two decks: bench/synth.py's realistic one (every kind, words from a small medical vocabulary,
so facts share many words: a hard case for near-duplicate's candidate search), and one of
facts made of random words from a large vocabulary, which rarely share their rare words.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

from synth import FILES, write_cards

from lmndeck.project import load_project
from lmndeck.rules import RULES, lint


def write_distinct_cards(root: Path, facts: int) -> None:
    """Facts of random words from a 5000-word vocabulary: few share their rare words."""
    chooser = random.Random(9)
    vocabulary = [f"w{number}" for number in range(5000)]
    per_file = facts // FILES
    for number in range(FILES):
        lines = ["deck: Bench", "sources: {text: {title: A text}}", "source: text", "facts:"]
        for fact in range(per_file):
            sentence = " ".join(chooser.sample(vocabulary, 10))
            lines += [f"  - id: f{number}-{fact}", f"    text: {sentence} is {{{{answer}}}}."]
        (root / f"topic-{number}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def measure(label: str, cards: Path) -> None:
    start = time.perf_counter()
    project = load_project(cards)
    loaded = time.perf_counter()
    times = []
    for rule in RULES:
        begin = time.perf_counter()
        found = sum(1 for _ in rule.check(project, rule.OPTIONS))
        times.append(f"{rule.ID.value} {time.perf_counter() - begin:.2f} s ({found})")
    end = time.perf_counter()
    lint(cards)
    whole = time.perf_counter() - end
    print(f"{label}: load {loaded - start:.2f} s, rules {end - loaded:.2f} s, lint() {whole:.2f} s")
    print("  " + "; ".join(times))


def main() -> None:
    facts = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with tempfile.TemporaryDirectory() as directory:
        realistic, distinct = Path(directory) / "realistic", Path(directory) / "distinct"
        realistic.mkdir()
        distinct.mkdir()
        write_cards(realistic, facts)
        write_distinct_cards(distinct, facts)
        print(f"{facts} facts in {FILES} files")
        measure("realistic facts", realistic)
        measure("distinct facts", distinct)


if __name__ == "__main__":
    main()
