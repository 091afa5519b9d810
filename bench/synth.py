"""Realistic synthetic cards directories for the benchmark: twenty files of cloze facts (one to
three deletions, hints, shared labels, sources with times, tags), list facts, basic cards (some
reversed) and comparison tables, in the proportions of real medical decks.

    .venv/bin/python bench/synth.py FACTS DIRECTORY
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

FILES = 20
WORDS = [
    "motor",
    "neuron",
    "lesion",
    "reflex",
    "tone",
    "spasticity",
    "atrophy",
    "fasciculation",
    "weakness",
    "cortex",
    "tract",
    "nucleus",
    "nerve",
    "muscle",
    "fibre",
    "sign",
    "plantar",
    "response",
    "babinski",
    "clonus",
    "hypotonia",
    "paralysis",
    "segment",
    "spinal",
    "cord",
    "anterior",
    "horn",
    "cell",
    "virus",
    "palsy",
    "facial",
    "forehead",
    "eyelid",
    "taste",
    "hearing",
    "sensory",
    "pathway",
    "descending",
    "ascending",
    "lateral",
    "medial",
    "bilateral",
    "unilateral",
    "contralateral",
]
HINTS = ("which?", "UMN or LMN?", "increased or decreased?", "which side?", "how many?")
# Of every 100 facts: 84 cloze, 6 lists, 6 basic (a third reversed), 4 table rows.
LISTS, BASICS, ROWS = 6, 6, 4


def _words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count))


def _cloze(rng: random.Random, file: int, fact: int) -> list[str]:
    parts = [f"Fact {fact} of topic {file}: the {_words(rng, 4)}"]
    deletions = rng.choice((1, 1, 2, 2, 2, 3))
    paired = deletions == 3 and rng.random() < 0.3
    for number in range(deletions):
        answer = _words(rng, rng.randint(1, 3))
        if paired and number < 2:
            parts.append(f"{{{{@pair {answer}}}}}")
        elif rng.random() < 0.3:
            parts.append(f"{{{{{answer}::{rng.choice(HINTS)}}}}}")
        else:
            parts.append(f"{{{{{answer}}}}}")
        parts.append(_words(rng, rng.randint(2, 5)))
    lines = [
        f"  - id: t{file}-fact-{fact}",
        f'    text: "{" ".join(parts)}."',
        f"    tags: [{rng.choice(WORDS)}, {rng.choice(WORDS)}_{fact % 7}]",
        f"    source: video {fact % 50:02d}:{fact % 60:02d}",
    ]
    if rng.random() < 0.25:
        lines.insert(2, f"    extra: The {_words(rng, 8)}, **{_words(rng, 2)}**.")
    return lines


def _listing(rng: random.Random, file: int, fact: int) -> list[str]:
    items = [f"{_words(rng, 2)} {n}" for n in range(rng.randint(3, 6))]
    return [
        f"  - id: t{file}-list-{fact}",
        f"    text: Signs of {_words(rng, 3)}",
        "    list:",
        *(f"      - {item}" for item in items),
        f"    ordered: {'true' if rng.random() < 0.3 else 'false'}",
        "    source: text",
    ]


def _basic(rng: random.Random, file: int, fact: int) -> list[str]:
    return [
        f"  - id: t{file}-basic-{fact}",
        f"    front: Which {_words(rng, 4)} does {_words(rng, 3)} point to?",
        f"    back: The {_words(rng, 3)}",
        f"    reverse: {'true' if fact % 3 == 0 else 'false'}",
        f"    tags: [{rng.choice(WORDS)}]",
        "    source: text",
    ]


def _comparison(rng: random.Random, file: int, number: int, rows: int) -> list[str]:
    lines = [
        f"  - id: t{file}-table-{number}",
        f"    title: Table {number} of topic {file}",
        f"    extra: {_words(rng, 6)}",
        "    columns:",
        "      first: First lesion",
        "      second: Second lesion",
        "      third: Third lesion",
        "    source: video",
        "    rows:",
    ]
    for row in range(rows):
        cells = [f"row {row} {_words(rng, 3)} {column}" for column in ("a", "b", "c")]
        lines += [
            f"      - id: row-{row}",
            f"        feature: Feature {row} {_words(rng, 2)}",
            f"        first: {cells[0]}",
            f"        second: {{text: {cells[1]}, source: video 01:{row % 60:02d}}}",
            f"        third: {cells[2]}",
        ]
    return lines


def file_text(file: int, facts: int, seed: int = 0) -> str:
    """One cards file of ``facts`` facts, the same text for the same arguments."""
    rng = random.Random(f"{seed}-{file}")
    lines = [
        f"# Synthetic topic {file} for the benchmark.",
        f"deck: Bench::Topic {file:02d}",
        f"tags: [bench, topic_{file}]",
        "sources:",
        "  video:",
        "    youtube: xWPaCACoam4",
        f"    title: Lecture {file}",
        "  text:",
        f"    title: Course text {file}",
        "facts:",
    ]
    table_rows = 0
    for fact in range(facts):
        share = fact * 53 % 100  # spread over the file: small decks have every sort too
        if share < LISTS:
            lines += _listing(rng, file, fact)
        elif share < LISTS + BASICS:
            lines += _basic(rng, file, fact)
        elif share < LISTS + BASICS + ROWS:
            table_rows += 1
        else:
            lines += _cloze(rng, file, fact)
    if table_rows:
        lines.append("comparisons:")
        for number, start in enumerate(range(0, table_rows, 12)):
            lines += _comparison(rng, file, number, min(12, table_rows - start))
    return "\n".join(lines) + "\n"


def write_cards(root: Path, facts: int, files: int = FILES) -> list[Path]:
    """``facts`` facts (table rows count as facts) spread over ``files`` files in ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    paths = []
    for file in range(files):
        share = facts // files + (1 if file < facts % files else 0)
        path = root / f"topic-{file:02d}.yaml"
        path.write_text(file_text(file, share), encoding="utf-8")
        paths.append(path)
    return paths


def edit_one_fact(root: Path, round_: int) -> Path:
    """Change the text of one fact in the middle file: what an author's save does."""
    files = sorted(root.glob("*.yaml"))
    path = files[len(files) // 2]
    text = path.read_text(encoding="utf-8")
    marker = '    text: "Fact '
    at = text.find(marker, len(text) // 2)
    at = at if at >= 0 else text.index(marker)
    edited = text[:at] + f"{marker}edited {round_} " + text[at + len(marker) :]
    path.write_text(edited, encoding="utf-8")
    return path


if __name__ == "__main__":
    write_cards(Path(sys.argv[2]), int(sys.argv[1]))
