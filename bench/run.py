"""Time whole processes of ``lmndeck`` against the baseline and the floor (bench/baseline.py)
and write bench/RESULTS.md: a cold build, a no-op one, a reworded and an added fact, a fresh
clone (the lock kept, no cache and no deck), the latency of ``build --watch`` from a save to the
rebuilt deck on disk, ``sync`` into a fresh collection and after one edit, start-up, and a cold
build in Anki's latest package format (``--package-format latest``).

    .venv/bin/python bench/run.py                   # 1k, 20k and 100k facts, 5 rounds
    .venv/bin/python bench/run.py --sizes 20000 --rounds 3
    .venv/bin/python bench/run.py --quick           # 200 facts, one round: proves it runs

Every round runs each measurement once, in turn (interleaved), so that a machine busy with
other work slows all of them alike and the ratios stay fair; medians and spreads are reported.
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from synth import FILES, add_one_fact, edit_one_fact, write_cards  # noqa: E402

START_LOAD = ", ".join(f"{value:.2f}" for value in os.getloadavg())
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


# Every measured command runs under this launcher, a fresh small process that times it and
# reads its peak memory: Linux starts a child's peak at the peak of the process it was forked
# from, so a command forked from this runner (hundreds of MB at 100k facts, having read decks)
# would report the runner's peak. SIGTERM is passed on (a watch is stopped so).
LAUNCHER = """
import os, signal, sys, time
start = time.perf_counter()
child = os.fork()
if child == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
signal.signal(signal.SIGTERM, lambda *_: os.kill(child, signal.SIGTERM))
_, status, usage = os.wait4(child, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{time.perf_counter() - start} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


def launched(command: list[str], report: Path) -> list[str]:
    return [PYTHON, "-c", LAUNCHER, str(report), *command]


def launch_report(report: Path) -> tuple[float, float, int]:
    """The command's wall-clock seconds, peak MiB and exit code, as the launcher wrote them."""
    seconds, kib, code = report.read_text().split()
    return float(seconds), int(kib) / 1024, int(code)


def timed(command: list[str], cwd: Path, sample: Sample) -> None:
    """Run ``command`` to its end: its wall-clock time and its peak resident memory."""
    with tempfile.TemporaryFile() as errors, tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report"
        # stderr to a file: a pipe read at the end would fill and block
        subprocess.run(launched(command, report), cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors)
        seconds, peak, code = launch_report(report)
        errors.seek(0)
        if code:
            raise SystemExit(f"{' '.join(command)} failed:\n{errors.read().decode()}")
    sample.seconds.append(seconds)
    sample.peak_mib.append(peak)


def watched(
    command: list[str], cwd: Path, deck: Path, edit: Callable[[], object], sample: Sample
) -> None:
    """Start ``build --watch``, save one edit once it watches, and time the save to the
    rebuilt deck on disk (the watch's wait for the files to be quiet included)."""
    environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
    scratch = tempfile.TemporaryDirectory()
    report = Path(scratch.name) / "report"
    process = subprocess.Popen(
        launched(command, report),
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=environment,
    )
    assert process.stdout is not None
    output = []
    while not (line := process.stdout.readline().decode()).startswith("watching"):
        output.append(line)
        if not line:
            raise SystemExit(f"{' '.join(command)} stopped:\n{''.join(output)}")
    # Read what the watch prints next (a rebuild's warnings) lest a full pipe stop it
    threading.Thread(target=process.stdout.read, daemon=True).start()
    time.sleep(0.5)  # the line is printed as the watch starts: let it start
    before = _identity(deck)
    edit()
    start = time.perf_counter()
    deadline = start + 300
    while _identity(deck) == before:
        if time.perf_counter() > deadline or process.poll() is not None:
            raise SystemExit(f"{' '.join(command)} did not rebuild the deck")
        time.sleep(0.005)
    sample.seconds.append(time.perf_counter() - start)
    # SIGTERM, which stops a watch as Ctrl-C does: a shell starts a background job with
    # SIGINT ignored, and its children, a watch too, inherit that.
    process.send_signal(signal.SIGTERM)
    process.wait()
    sample.peak_mib.append(launch_report(report)[1])
    scratch.cleanup()


def _identity(path: Path) -> tuple[int, int, int]:
    try:
        status = path.stat()
    except FileNotFoundError:
        return (0, 0, 0)
    return (status.st_ino, status.st_mtime_ns, status.st_size)


def fresh_collection(path: Path) -> None:
    """An empty Anki collection at ``path``, made by Anki's own backend."""
    shutil.rmtree(path.parent, ignore_errors=True)
    path.parent.mkdir(parents=True)
    make = "import sys; from anki.collection import Collection; Collection(sys.argv[1]).close()"
    subprocess.run([PYTHON, "-c", make, str(path)], check=True)


def counts(apkg: Path) -> tuple[int, int]:
    """The notes and cards of a built deck."""
    with zipfile.ZipFile(apkg) as package:
        collection = package.read("collection.anki2")
    connection = sqlite3.connect(":memory:")
    connection.deserialize(collection)
    return _count(connection, "notes"), _count(connection, "cards")


def _notes_in(collection: Path) -> int:
    connection = sqlite3.connect(collection)
    try:
        return _count(connection, "notes")
    finally:
        connection.close()


def _count(connection: sqlite3.Connection, table: str) -> int:
    (rows,) = connection.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(rows)


def clean(root: Path, lock: bool = True) -> None:
    """Everything a build leaves (but the lock with ``lock=False``: a fresh clone of a project):
    the next build is cold."""
    if lock:
        (root / "cards" / "lmndeck.lock").unlink(missing_ok=True)
    shutil.rmtree(root / "dist", ignore_errors=True)
    shutil.rmtree(root / ".lmndeck-cache", ignore_errors=True)


DIFFERENCES = (
    "no-op rewrote the deck",
    "a fresh clone built other bytes",
    "sync left the collection other notes than the deck's",
)


def measure(facts: int, rounds: int, work: Path) -> tuple[dict[str, Sample], tuple[int, int]]:
    root = work / f"facts-{facts}"
    cards = root / "cards"
    write_cards(cards, facts)
    build = [LMNDECK, "build", "cards", "-o", "dist/deck.apkg"]
    deck = root / "dist" / "deck.apkg"
    collection = root / "anki" / "collection.anki2"
    sync = [LMNDECK, "sync", "cards", "-o", "dist/deck.apkg"]
    sync += ["--collection", str(collection), "--no-backup"]
    subprocess.run(build, cwd=root, check=True, capture_output=True)
    size = counts(deck)
    bench = str(BENCH / "baseline.py")
    rows = root / "rows.bin"
    subprocess.run([PYTHON, bench, "rows", str(deck), str(rows)], check=True)
    samples: dict[str, Sample] = {}

    def run(name: str, command: list[str], before: Callable[[], object] = lambda: None) -> None:
        before()
        timed(command, root, samples.setdefault(name, Sample()))

    def differs(name: str) -> None:
        samples.setdefault(name, Sample()).seconds.append(1)

    def one_round(round_: int) -> None:
        edits = iter(range(3 * round_, 3 * round_ + 3))  # each edit its own text
        run("baseline", [PYTHON, bench, "baseline", "cards", "base.apkg"])
        run("floor", [PYTHON, bench, "floor", str(rows), "floor.apkg"])
        run("cold", build, lambda: clean(root))
        identity = _identity(deck)
        run("no-op", build)
        if _identity(deck) != identity:
            differs(DIFFERENCES[0])
        run("reworded fact", build, lambda: edit_one_fact(cards, next(edits)))
        run("added fact", build, lambda: add_one_fact(cards, round_))
        built = deck.read_bytes()
        run("fresh clone", build, lambda: clean(root, lock=False))
        if deck.read_bytes() != built:
            differs(DIFFERENCES[1])
        watched(
            [*build, "--watch"],
            root,
            deck,
            lambda: edit_one_fact(cards, next(edits)),
            samples.setdefault("watch: save to deck", Sample()),
        )
        run("sync, fresh collection", sync, lambda: fresh_collection(collection))
        if _notes_in(collection) != counts(deck)[0]:
            differs(DIFFERENCES[2])
        run("sync, one edit", sync, lambda: edit_one_fact(cards, next(edits)))
        run("--version", [LMNDECK, "--version"])
        run("--help", [LMNDECK, "--help"])
        run("python -c pass", [PYTHON, "-c", "pass"])
        # last: the rounds' other builds start from the default (legacy) format's deck
        run("cold, latest format", [*build, "--package-format", "latest"], lambda: clean(root))

    for round_ in range(rounds):
        one_round(round_)
    return samples, size


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
        f"{memory} GiB; Python {platform.python_version()}; load average {START_LOAD} at the "
        f"start, {load} at the end"
    )


def report(results: dict[int, tuple[dict[str, Sample], tuple[int, int]]], rounds: int) -> str:
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
        f"Decks: `bench/synth.py` (see its docstring), {FILES} files of very different sizes; of "
        "every 100 facts 78 cloze (1-6 deletions, hints, `@label` groups, markup, symbols and "
        "accents, uneven lengths), 7 lists of 2-12 items, 7 basic cards (some reversed), 8 rows "
        "of comparison tables of 2-5 columns (cells left out, `discrimination: false`, per-cell "
        "sources, `cards:` variants); renames, drafts and lint opt-outs among them. *baseline*: "
        "PyYAML's CSafeLoader reading the files + bare genanki writing the same notes and "
        "cards. *floor*: bulk SQLite inserts of the same rows + deflate. *reworded fact*: one "
        "cloze fact's text changed in a middle-sized file; *added fact*: a cloze fact inserted "
        "in the middle of that file's facts; *fresh clone*: the cards and the lock without "
        "cache or deck (its deck is compared byte for byte with the incremental build's); "
        "*watch*: `build --watch` running, from the save of a reworded fact to the rebuilt deck "
        "on disk (the watch's wait for the files to be quiet included); *sync*: "
        "`lmndeck sync --collection` into an empty collection Anki's backend made, then after "
        "a reworded fact (its build included).",
        "",
        "| facts | measurement | median s | spread s | x baseline | % of cold | peak MiB |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for facts, (samples, _) in results.items():
        base, cold = samples["baseline"].median(), samples["cold"].median()
        for name, sample in samples.items():
            if name in DIFFERENCES:
                lines.append(f"| {facts} | **{name}** ({len(sample.seconds)}x) | | | | | |")
                continue
            lines.append(
                f"| {facts} | {name} | {sample.median():.3f} | {sample.spread()} | "
                f"{sample.median() / base:.2f} | {100 * sample.median() / cold:.0f}% | "
                f"{max(sample.peak_mib):.0f} |"
            )
    lines += [
        "",
        "Notes and cards of each deck (its first build): "
        + ", ".join(
            f"{facts} facts: {notes:,} notes, {cards:,} cards"
            for facts, (_, (notes, cards)) in results.items()
        )
        + ".",
        "",
        "Issue 22's targets, as measured in this run:",
        "",
    ]
    lines += ["| facts | target | measured | met? |", "| ---: | --- | --- | --- |"]
    for facts, (samples, _) in results.items():
        lines += [
            f"| {facts} | {target} | {measured} | {met} |"
            for target, measured, met in targets(facts, samples)
        ]
    return "\n".join(lines) + "\n"


def targets(facts: int, samples: dict[str, Sample]) -> list[tuple[str, str, str]]:
    """Issue 22's targets: what each asks, what this run measured, whether it holds."""
    base, cold = samples["baseline"].median(), samples["cold"].median()

    def ratio(name: str, most: float, of: float, unit: str) -> tuple[str, str, str]:
        value = samples[name].median() / of
        shown = f"{value:.2f}x" if unit == "x" else f"{100 * value:.0f}%"
        limit = f"{most:.1f}x baseline" if unit == "x" else f"{100 * most:.0f}% of cold"
        return f"{name} <= {limit}", shown, "yes" if value <= most else "no"

    version = samples["--version"].median()
    rows = [
        ratio("cold", 1.0, base, "x"),
        ratio("reworded fact", 0.20, cold, "%"),
        ratio("added fact", 0.25, cold, "%"),
        ratio("no-op", 0.10, cold, "%"),
        (
            "no-op leaves the deck untouched",
            f"rewritten in {len(samples[DIFFERENCES[0]].seconds)} round(s)"
            if DIFFERENCES[0] in samples
            else "same inode, time and size",
            "no" if DIFFERENCES[0] in samples else "yes",
        ),
        (
            "incremental build = fresh clone's, byte for byte",
            f"differed in {len(samples[DIFFERENCES[1]].seconds)} round(s)"
            if DIFFERENCES[1] in samples
            else "identical in every round",
            "no" if DIFFERENCES[1] in samples else "yes",
        ),
        ("--version <= 150 ms", f"{1000 * version:.0f} ms", "yes" if version <= 0.15 else "no"),
        (
            "build --watch after one edit: report",
            f"{samples['watch: save to deck'].median():.2f} s",
            "-",
        ),
    ]
    if facts >= 100_000:
        peak = max(samples["cold"].peak_mib)
        rows.append(("cold peak <= 400 MiB", f"{peak:.0f} MiB", "yes" if peak <= 400 else "no"))
    return rows


def compile_lmndeck() -> None:
    """lmndeck's modules compiled to bytecode before anything is timed, as every dependency and
    the baseline's genanki are (pip compiles what it installs): an editable install in an
    environment with PYTHONDONTWRITEBYTECODE set (this workplace's) would otherwise compile
    every module on every run, about 60 ms of each build that no installed lmndeck spends."""
    import lmndeck

    compileall.compile_dir(Path(lmndeck.__file__).parent, quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 20_000, 100_000])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="200 facts, one round")
    parser.add_argument("--out", type=Path, default=BENCH / "RESULTS.md")
    arguments = parser.parse_args()
    sizes, rounds = ([200], 1) if arguments.quick else (arguments.sizes, arguments.rounds)
    compile_lmndeck()
    with tempfile.TemporaryDirectory(prefix="lmndeck-bench-") as directory:
        results = {facts: measure(facts, rounds, Path(directory)) for facts in sizes}
    text = report(results, rounds)
    arguments.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
