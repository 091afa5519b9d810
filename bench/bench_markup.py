"""Inline markup speed on pathological and normal text. Run: .venv/bin/python bench/bench_markup.py

The texts are the ones that were quadratic before (issue 7): 40 KB and 200 KB of '**a ', and a
7 KB table file whose one long cell was rendered again on every cell's card.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from lmndeck.markup import inline
from lmndeck.pipeline import build

SENTENCE = "Fasciculations are a highly classical sign of an LMN lesion & not of a UMN <lesion>."
EMPHASIS = "Fasciculations are a **highly** classical sign of an *LMN* lesion."


def seconds(run: Callable[[], object], repeat: int = 1) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        run()
    return (time.perf_counter() - start) / repeat


def table_file(root: Path) -> Path:
    """About 7 KB: one table of 20 rows of two cells, one cell 6 KB of '*a '."""
    rows = [f"      - {{feature: F{n}, a: x{n}, b: y{n}}}" for n in range(1, 20)]
    lines = ["deck: Bench", "sources: {s: {title: S}}", "source: s", "comparisons:"]
    lines += ["  - id: t", "    title: Table", "    columns: {a: A, b: B}", "    rows:"]
    lines += ["      - {feature: F0, a: '" + "*a " * 2000 + "', b: y0}", *rows]
    (root / "cards").mkdir()
    (root / "cards" / "table.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root / "cards"


def main() -> None:
    for size in (40_000, 200_000):
        text = "**a " * (size // 4)
        print(f"{size // 1000} KB of '**a '          {seconds(partial(inline, text)):8.3f} s")
    with tempfile.TemporaryDirectory() as directory:
        cards = table_file(Path(directory))
        size = (cards / "table.yaml").stat().st_size
        took = seconds(lambda: build(cards, Path(directory) / "deck.apkg"))
        print(f"{size / 1000:.1f} KB table file, build  {took:8.3f} s")
    calls = 100_000
    for label, text in (("plain", SENTENCE), ("emphasis", EMPHASIS)):
        took = seconds(partial(inline, text), calls) * 1e6
        print(f"normal sentence, {label:<9}      {took:8.2f} µs per text")


if __name__ == "__main__":
    main()
