"""Time whole processes of ``lmndeck`` against the baseline and the floor (bench/baseline.py)
and write bench/RESULTS.md.

    .venv/bin/python bench/run.py                   # 1k, 20k and 100k facts, 5 rounds
    .venv/bin/python bench/run.py --sizes 20000 --rounds 3
    .venv/bin/python bench/run.py --quick           # 200 facts, one round: proves it runs

Every round runs each measurement once, in turn (interleaved), so that a machine busy with
other work slows all of them alike and the ratios stay fair; medians and spreads are reported.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from synth import FILES, edit_one_fact, write_cards  # noqa: E402

PYTHON = sys.executable
LMNDECK = str(Path(PYTHON).with_name("lmndeck"))


@dataclass
class Sample:
    seconds: list[float] = field(default_factory=list)
    peak_mib: list[float] = field(default_factory=list)

    def median(self) -> float:
        return statistics.median(self.seconds)

    def spread(self) -> str:
        return f"{min(self.seconds):.3f}-{max(self.seconds):.3f}"


def timed(command: list[str], cwd: Path, sample: Sample) -> None:
    """Run ``command`` to its end: its wall-clock time and its peak resident memory."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    error = process.stderr.read() if process.stderr else b""
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{error.decode()}")
    sample.seconds.append(elapsed)
    sample.peak_mib.append(usage.ru_maxrss / 1024)  # KiB on Linux


def clean(root: Path) -> None:
    """Everything a build leaves: the next build is cold."""
    (root / "cards" / "lmndeck.lock").unlink(missing_ok=True)
    shutil.rmtree(root / "dist", ignore_errors=True)
    shutil.rmtree(root / ".lmndeck-cache", ignore_errors=True)


def measure(facts: int, rounds: int, work: Path) -> dict[str, Sample]:
    root = work / f"facts-{facts}"
    cards = root / "cards"
    write_cards(cards, facts)
    build = [LMNDECK, "build", "cards", "-o", "dist/deck.apkg"]
    deck = root / "dist" / "deck.apkg"
    subprocess.run(build, cwd=root, check=True, capture_output=True)
    bench = str(BENCH / "baseline.py")
    rows = root / "rows.bin"
    subprocess.run([PYTHON, bench, "rows", str(deck), str(rows)], check=True)
    samples: dict[str, Sample] = {}

    def run(name: str, command: list[str], before: Callable[[], object] = lambda: None) -> None:
        before()
        timed(command, root, samples.setdefault(name, Sample()))

    for round_ in range(rounds):
        run("baseline", [PYTHON, bench, "baseline", "cards", "base.apkg"])
        run("floor", [PYTHON, bench, "floor", str(rows), "floor.apkg"])
        run("cold", build, lambda: clean(root))
        identity = deck.stat()
        run("no-op", build)
        after = deck.stat()
        if (after.st_ino, after.st_mtime_ns) != (identity.st_ino, identity.st_mtime_ns):
            samples.setdefault("no-op rewrote the deck", Sample()).seconds.append(1)
        run("one edit", build, lambda r=round_: edit_one_fact(cards, r))  # type: ignore[misc]
        run("--version", [LMNDECK, "--version"])
        run("--help", [LMNDECK, "--help"])
        run("python -c pass", [PYTHON, "-c", "pass"])
    return samples


def machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    memory = next(
        (
            int(line.split()[1]) // 2**20
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return (
        f"{platform.system()} {platform.machine()}, {model}, {os.cpu_count()} cores, "
        f"{memory} GiB; Python {platform.python_version()}; load average {load} at the end"
    )


def report(results: dict[int, dict[str, Sample]], rounds: int) -> str:
    lines = [
        "# Build speed",
        "",
        "Written by `bench/run.py` (see its docstring). Whole processes, wall-clock medians of "
        f"{rounds} interleaved round(s), the spread (fastest-slowest) beside them. Absolute "
        "times move with whatever else the machine runs (see the load average below); the "
        "ratios of measurements taken in the same rounds much less so. Peak memory is the "
        "largest process's (a build's children are not added up).",
        "",
        f"Machine: {machine()}.",
        "",
        f"Decks: `bench/synth.py`, {FILES} files; of every 100 facts 84 cloze (1-3 deletions, "
        "hints, labels, sources, tags, some `extra`), 6 lists, 6 basic (a third reversed), 4 "
        "comparison-table rows of three cells. *baseline*: PyYAML's CSafeLoader reading the files "
        "+ bare genanki writing the same notes and cards. *floor*: bulk SQLite inserts of the "
        "same rows + deflate. *one edit*: one fact's text changed in one file of twenty.",
        "",
        "| facts | measurement | median s | spread s | x baseline | % of cold | peak MiB |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for facts, samples in results.items():
        base, cold = samples["baseline"].median(), samples["cold"].median()
        for name, sample in samples.items():
            if name == "no-op rewrote the deck":
                lines.append(f"| {facts} | **the no-op build rewrote the deck** | | | | | |")
                continue
            lines.append(
                f"| {facts} | {name} | {sample.median():.3f} | {sample.spread()} | "
                f"{sample.median() / base:.2f} | {100 * sample.median() / cold:.0f}% | "
                f"{max(sample.peak_mib):.0f} |"
            )
    per_fact = {f: s["cold"].median() / f * 1e6 for f, s in results.items()}
    lines += [
        "",
        "Cold build per fact: "
        + ", ".join(f"{f}: {us:.0f} µs" for f, us in per_fact.items())
        + " (start-up included, so small decks pay more per fact).",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 20_000, 100_000])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="200 facts, one round")
    parser.add_argument("--out", type=Path, default=BENCH / "RESULTS.md")
    arguments = parser.parse_args()
    sizes, rounds = ([200], 1) if arguments.quick else (arguments.sizes, arguments.rounds)
    with tempfile.TemporaryDirectory(prefix="lmndeck-bench-") as directory:
        results = {facts: measure(facts, rounds, Path(directory)) for facts in sizes}
    text = report(results, rounds)
    arguments.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
