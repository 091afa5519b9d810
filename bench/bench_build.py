"""Build speed against its baseline: libyaml parsing the same files plus bare genanki writing
the same notes. Run: .venv/bin/python bench/bench_build.py [FACTS]

The target (from the roadmap): a 20k-fact build no slower than the baseline.
"""

from __future__ import annotations

import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import genanki
import yaml

from lmndeck.kinds.cloze import CLOZE
from lmndeck.pipeline import build

FILES = 20


def write_cards(root: Path, facts: int) -> list[Path]:
    paths = []
    per_file = facts // FILES
    for number in range(FILES):
        lines = [
            f"deck: Bench::Topic {number}",
            "tags: [bench]",
            "sources: {video: {youtube: xWPaCACoam4, title: A video}}",
            "facts:",
        ]
        for fact in range(per_file):
            lines += [
                f"  - id: f{number}-{fact}",
                f"    text: Fact {fact} of file {number} says {{{{answer {fact}}}}} and "
                f"{{{{other {fact}::hint}}}}.",
                f"    source: video 0{fact % 10}:{fact % 60:02d}",
            ]
        path = root / f"topic-{number}.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def baseline(paths: list[Path], out: Path) -> None:
    model = CLOZE.model()
    decks = []
    for path in paths:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        deck = genanki.Deck(abs(hash(data["deck"])) % 10**10 + 1, data["deck"])
        for fact in data["facts"]:
            text = (
                fact["text"].replace("{{answer", "{{c1::answer").replace("{{other", "{{c2::other")
            )
            deck.add_note(genanki.Note(model=model, fields=[text, "", "", "", ""], guid=fact["id"]))
        decks.append(deck)
    genanki.Package(decks).write_to_file(str(out))


def timed(label: str, run: Callable[[], object]) -> float:
    """Best of three wall-clock runs; then one more run under tracemalloc for peak memory."""
    times = []
    for _ in range(3):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"{label:<28} {min(times):6.2f} s   peak {peak / 2**20:6.1f} MiB (Python heap)")
    return min(times)


def main() -> None:
    facts = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        cards = root / "cards"
        cards.mkdir()
        paths = write_cards(cards, facts)
        print(f"{facts} facts in {FILES} files, two deletions each")
        base = timed("libyaml + bare genanki", lambda: baseline(paths, root / "base.apkg"))
        lock = cards / "lmndeck.lock"

        def fresh_build() -> None:
            lock.unlink(missing_ok=True)
            build(cards, root / "deck.apkg", now=1)

        first = timed("lmndeck build (no lock yet)", fresh_build)
        again = timed(
            "lmndeck rebuild (same lock)", lambda: build(cards, root / "deck.apkg", now=2)
        )
        print(f"ratio to baseline: {first / base:.2f} (no lock), {again / base:.2f} (rebuild)")


if __name__ == "__main__":
    main()
