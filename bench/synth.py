"""Synthetic cards directories for the benchmark, as varied as real medical decks.

Twenty files of very different sizes (a few large ones, many small ones, three in a
subfolder), each with several sources (videos cited at MM:SS or H:MM:SS, texts with and without
an address or author). Facts in the proportions of real decks: cloze facts of uneven length (a
few words to several sentences, some over several lines) with one to eight deletions, hints and
`@label` groups; list facts of 2-12 items; basic cards with and without their reverse; and
comparison tables of 2-5 columns with cells left out, `discrimination: false` cells, cells with
a source of their own and `cards:` variants. The text mixes `**bold**`, `*italic*`, backticks,
HTML entities and tags typed as text, Unicode sub- and superscripts, symbols and accented words
(µ, ≥, é). Some items are renamed (`was:`), some are drafts, some switch lint rules off, and
the YAML is written in every scalar style an author uses (plain, quoted, block).

    .venv/bin/python bench/synth.py FACTS DIRECTORY
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

FILES = 20
# Relative sizes of the files (the largest is 40 times the smallest), spread so that the middle
# file, the one the edits touch, is of middling size.
WEIGHTS = (6, 40, 2, 12, 1, 25, 3, 8, 1, 18, 5, 2, 10, 1, 30, 4, 2, 14, 3, 6)
SUBFOLDER = "pharmacology"  # the last three files of a deck of ten files or more
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
    "ipsilateral",
    "dorsal",
    "column",
    "ganglion",
    "synapse",
    "axon",
    "myelin",
    "demyelination",
    "conduction",
    "velocity",
    "latency",
    "amplitude",
    "potassium",
    "sodium",
    "calcium",
    "chloride",
    "channel",
    "receptor",
    "agonist",
    "antagonist",
    "dose",
    "clearance",
    "half-life",
    "infusion",
    "bolus",
    "tablet",
    "renal",
    "hepatic",
    "cardiac",
    "output",
    "preload",
    "afterload",
    "stroke",
    "volume",
    "pressure",
    "artery",
    "vein",
    "capillary",
    "thrombosis",
    "embolus",
    "infarct",
    "ischaemia",
    "necrosis",
    "apoptosis",
    "inflammation",
    "oedema",
    "fibrosis",
    "biopsy",
    "serum",
    "plasma",
    "urine",
    "cerebrospinal",
    "fluid",
    "protein",
    "glucose",
    "lactate",
    "antibody",
    "antigen",
    "complement",
    "neutrophil",
    "lymphocyte",
    "eosinophil",
    "platelet",
    "haemoglobin",
    "ferritin",
    "transferrin",
    "bilirubin",
    "creatinine",
    "urea",
    "albumin",
    "insulin",
    "glucagon",
    "cortisol",
    "thyroxine",
    "aldosterone",
    "renin",
    "angiotensin",
]
# Words an author of medical notes types that are not ASCII, or markup typed as text.
SPECIAL = (
    "Guillain\u2013Barré",
    "Ménière",
    "Sjögren",
    "café-au-lait",
    "naïve",
    "Na⁺",
    "K⁺",
    "Ca²⁺",
    "HCO₃⁻",
    "PaCO₂",
    "10⁹/L",
    "β-blocker",
    "α₁-receptor",
    "≥ 5 µg/L",
    "≤ 2 mmol/L",
    "37 °C",
    "± 10%",
    "→",
    "Δ",
    "x²",
    "&amp;",
    "&lt;",
    "<sup>2</sup>",
    "`HbA1c`",
    "`QT`",
    "T½",
    "Lhermitte's",
    'the "classic" sign',
    "a/b: ratio",
    "#1 cause",
)
HINTS = (
    "which?",
    "UMN or LMN?",
    "increased or decreased?",
    "which side?",
    "how many?",
    "drug",
    "mechanism",
    "≥ or ≤?",
    "unit: µmol/L",
    "named after?",
)
CONDITIONS = (
    "Myasthenia gravis",
    "Lambert\u2013Eaton syndrome",
    "Motor neurone disease",
    "Multiple sclerosis",
    "Spinal muscular atrophy",
    "Poliomyelitis",
    "Bell's palsy",
    "Ramsay Hunt syndrome",
    "Charcot\u2013Marie\u2013Tooth disease",
    "Duchenne dystrophy",
    "Syringomyelia",
    "Cauda equina syndrome",
)
RULES = ("answer-leak", "long-answer", "too-many-deletions", "no-context", "anki-markup")
# Of every 100 facts: 78 cloze, 7 lists, 7 basic, 8 table rows.
LISTS, BASICS, ROWS = 7, 7, 8
_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`](?:(?!: | #).)*(?<![\s:])")


def _words(rng: random.Random, count: int) -> str:
    words = [rng.choice(WORDS) for _ in range(count)]
    if count > 3 and rng.random() < 0.35:
        words[rng.randrange(count)] = rng.choice(SPECIAL)
    return " ".join(words)


def _length(rng: random.Random, short: int, long: int) -> int:
    """Uneven lengths, as real notes have: most short, a long tail."""
    return min(long, short + int(rng.expovariate(1 / max(1, (long - short) / 5))))


def _marked(rng: random.Random, text: str) -> str:
    """``text`` with one of its words in bold or italic, sometimes."""
    words = text.split(" ")
    chance = rng.random()
    if len(words) > 2 and chance < 0.25:
        at = rng.randrange(len(words))
        marker = "**" if chance < 0.15 else "*"
        words[at] = f"{marker}{words[at]}{marker}"
    return " ".join(words)


def _scalar(rng: random.Random, text: str, indent: int) -> str:
    """``text`` as a YAML value after ``key:``, in one of the styles authors write."""
    if "\n" in text:
        pad = " " * (indent + 2)
        return "|-\n" + "\n".join(pad + line for line in text.split("\n"))
    chance = rng.random()
    if chance < 0.6 and _PLAIN.fullmatch(text):
        return text
    if chance < 0.75:
        return "'" + text.replace("'", "''") + "'"
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted one


class _File:
    """One cards file being written: its random numbers, sources and lines."""

    def __init__(self, file: int, seed: int) -> None:
        self.file = file
        self.rng = random.Random(f"{seed}-{file}")
        self.videos = [f"lecture{n}" for n in range(1, self.rng.randint(2, 4))]
        self.texts = ["book", "guideline"][: self.rng.randint(1, 2)]
        self.lines: list[str] = []
        self.default = False  # whether the file names a source for what names none

    def header(self) -> None:
        rng = self.rng
        deck = f"Bench::Block {self.file % 4}::Topic {self.file:02d} — {rng.choice(CONDITIONS)}"
        self.lines += [
            f"# Synthetic topic {self.file} for the benchmark.",
            f"deck: {json.dumps(deck, ensure_ascii=False)}",
            f"tags: [bench, topic {self.file}, {rng.choice(WORDS)}]",
            "sources:",
        ]
        for number, name in enumerate(self.videos):
            self.lines += [
                f"  {name}:",
                f"    youtube: {'xWPaCACoam4' if number % 2 else 'dQw4w9WgXcQ'}",
                f"    title: {json.dumps(f'Lecture {number + 1}: {_words(rng, 3)}', ensure_ascii=False)}",
            ]
            if rng.random() < 0.5:
                self.lines.append("    author: marrowmed")
        for name in self.texts:
            self.lines += [f"  {name}:", f"    title: {json.dumps(f'{name.title()} {self.file}')}"]
            if rng.random() < 0.5:
                self.lines.append(f"    url: https://example.org/{name}/{self.file}")
        if rng.random() < 0.5:
            self.lines.append(f"source: {self.texts[0]}")
            self.default = True

    def source(self) -> str:
        """A citation: a video at a time (some past an hour, some with none) or a text."""
        rng = self.rng
        if rng.random() < 0.3:
            return rng.choice(self.texts)
        video = rng.choice(self.videos)
        chance, seconds = rng.random(), rng.randrange(5400)
        if chance < 0.05:
            return video
        if seconds >= 3600:
            return f"{video} {seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        return f"{video} {seconds // 60:02d}:{seconds % 60:02d}"

    def common(self, kind: str, fact: int) -> None:
        """The keys every kind of fact may have: id, was, tags, source, draft, lint."""
        rng = self.rng
        self.lines.append(f"  - id: t{self.file}-{kind}-{fact}")
        if rng.random() < 0.04:
            old = [f"t{self.file}-old-{kind}-{fact}-{n}" for n in range(rng.randint(1, 2))]
            self.lines.append(f"    was: {old[0] if len(old) == 1 else '[' + ', '.join(old) + ']'}")
        tags = [rng.choice(WORDS) for _ in range(rng.choice((0, 0, 1, 1, 2, 3)))]
        if tags:
            self.lines.append(f"    tags: [{', '.join(dict.fromkeys(tags))}]")
        if rng.random() < 0.9 or not self.default:
            self.lines.append(f"    source: {self.source()}")
        if rng.random() < 0.006:
            self.lines.append("    draft: true")
        if rng.random() < 0.03:
            self.lines.append(f"    lint: {{ignore: [{', '.join(rng.sample(RULES, 2))}]}}")

    def extra(self, chance: float) -> None:
        rng = self.rng
        if rng.random() < chance:
            sentences = [
                _marked(rng, _words(rng, _length(rng, 4, 40)))
                for _ in range(rng.choice((1, 1, 2, 3)))
            ]
            text = (". " if rng.random() < 0.7 else ".\n").join(
                s[:1].upper() + s[1:] for s in sentences
            )
            self.lines.append(f"    extra: {_scalar(rng, text + '.', 4)}")

    def cloze(self, fact: int) -> None:
        rng = self.rng
        deletions = rng.choice((1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 4, 6))
        labels = rng.random() < 0.15 and deletions >= 2
        parts = [_marked(rng, f"Fact {fact}, the {_words(rng, _length(rng, 2, 30))}")]
        answers: set[str] = set()
        for number in range(deletions):
            answer = _words(rng, rng.choice((1, 1, 1, 2, 2, 3)))
            while answer in answers:
                answer = f"{answer} {rng.choice(WORDS)}"
            answers.add(answer)
            if labels and number < 3:
                deletion = f"{{{{@g{number % 2} {answer}}}}}"
            elif rng.random() < 0.3:
                deletion = f"{{{{{answer}::{rng.choice(HINTS)}}}}}"
            else:
                deletion = f"{{{{{answer}}}}}"
            parts += [deletion, _marked(rng, _words(rng, _length(rng, 1, 25)))]
        text = " ".join(parts) + "."
        if rng.random() < 0.08:
            at = text.rfind(" ", 0, len(text) // 2)
            text = text[:at] + "\n" + text[at + 1 :]  # a line break on the card
        self.common("fact", fact)
        self.lines.append(f"    text: {_scalar(rng, text, 4)}")
        self.extra(0.3)

    def listing(self, fact: int) -> None:
        rng = self.rng
        items: dict[str, str] = {}
        while len(items) < rng.choice((2, 3, 3, 4, 4, 5, 5, 6, 7, 8, 10, 12)):
            item = _marked(rng, _words(rng, _length(rng, 1, 6)))
            items.setdefault(" ".join(item.casefold().split()), item)
        self.common("list", fact)
        self.lines.append(
            f"    text: {_scalar(rng, 'Signs of ' + _words(rng, _length(rng, 2, 8)), 4)}"
        )
        self.lines += [
            "    list:",
            *(f"      - {_scalar(rng, item, 6)}" for item in items.values()),
        ]
        if rng.random() < 0.6:
            self.lines.append(f"    ordered: {'true' if rng.random() < 0.3 else 'false'}")
        self.extra(0.3)

    def basic(self, fact: int) -> None:
        rng = self.rng
        self.common("basic", fact)
        front = f"Which {_words(rng, _length(rng, 3, 20))} does {_words(rng, 3)} point to?"
        self.lines += [
            f"    front: {_scalar(rng, _marked(rng, front), 4)}",
            f"    back: {_scalar(rng, _marked(rng, 'The ' + _words(rng, _length(rng, 1, 12))), 4)}",
        ]
        if rng.random() < 0.7:
            self.lines.append(f"    reverse: {'true' if rng.random() < 0.4 else 'false'}")
        self.extra(0.2)

    def comparison(self, number: int, rows: int) -> None:
        rng = self.rng
        width = rng.choice((2, 2, 3, 3, 4, 5))
        labels = rng.sample(CONDITIONS, width)
        columns = [f"c{n}" for n in range(width)]
        self.lines.append(f"  - id: t{self.file}-table-{number}")
        if rng.random() < 0.1:
            self.lines.append(f"    was: t{self.file}-old-table-{number}")
        self.lines.append(
            f"    title: {_scalar(rng, f'Table {number}: ' + ' vs '.join(labels), 4)}"
        )
        if rng.random() < 0.02:
            self.lines.append("    draft: true")
        self.extra(0.5)
        self.lines.append("    columns:")
        for column, label in zip(columns, labels, strict=True):
            if rng.random() < 0.1:
                self.lines.append(f"      {column}: {{label: {label}, was: old-{column}}}")
            else:
                self.lines.append(f"      {column}: {label}")
        if rng.random() < 0.7 or not self.default:
            self.lines.append(f"    source: {self.source()}")
        self.lines.append(
            "    cards: "
            + rng.choice(("", "", "", "[cells]", "[discrimination]", "[cells, discrimination]"))
        )
        if self.lines[-1] == "    cards: ":
            self.lines.pop()
        self.lines.append("    rows:")
        for row in range(rows):
            self.row(row, columns)

    def row(self, row: int, columns: list[str]) -> None:
        rng = self.rng
        if rng.random() < 0.6:
            self.lines.append(f"      - id: row-{row}")
            self.lines.append(
                f"        feature: {_scalar(rng, f'Feature {row} ' + _words(rng, 2), 8)}"
            )
        else:  # known by its feature's slug
            self.lines.append(
                f"      - feature: {_scalar(rng, f'Feature {row} ' + _words(rng, 2), 8)}"
            )
        if rng.random() < 0.05:
            self.lines.append(f"        was: old-row-{row}")
        filled = [c for c in columns if rng.random() < 0.85] or columns[:1]
        if len(filled) < 2:
            filled = columns[:2]
        for column in filled:
            text = _marked(rng, _words(rng, _length(rng, 1, 8)))
            chance = rng.random()
            if chance < 0.08:
                self.lines.append(
                    f"        {column}: {{text: {json.dumps(text, ensure_ascii=False)}, discrimination: false}}"
                )
            elif chance < 0.2:
                self.lines.append(
                    f"        {column}: {{text: {json.dumps(text, ensure_ascii=False)}, source: {self.source()}}}"
                )
            elif chance < 0.25:
                self.lines += [
                    f"        {column}:",
                    f"          text: {_scalar(rng, text, 10)}",
                    f"          source: {self.source()}",
                ]
            else:
                self.lines.append(f"        {column}: {_scalar(rng, text, 8)}")


def file_text(file: int, facts: int, seed: int = 0) -> str:
    """One cards file of ``facts`` facts, the same text for the same arguments."""
    writer = _File(file, seed)
    writer.header()
    writer.lines.append("facts:")
    table_rows = 0
    for fact in range(facts):
        share = fact * 53 % 100  # spread over the file: small decks have every sort too
        if share < LISTS:
            writer.listing(fact)
        elif share < LISTS + BASICS:
            writer.basic(fact)
        elif share < LISTS + BASICS + ROWS:
            table_rows += 1
        else:
            writer.cloze(fact)
    if table_rows:
        writer.lines.append("comparisons:")
        number = start = 0
        while start < table_rows:
            rows = min(table_rows - start, writer.rng.randint(2, 15))
            writer.comparison(number, rows)
            number, start = number + 1, start + rows
    return "\n".join(writer.lines) + "\n"


def write_cards(root: Path, facts: int, files: int = FILES) -> list[Path]:
    """``facts`` facts (table rows count as facts) spread over ``files`` files of uneven sizes
    in ``root`` (the last three in a subfolder when there are ten files or more)."""
    if facts < files:
        raise ValueError(f"{facts} facts cannot fill {files} files")
    root.mkdir(parents=True, exist_ok=True)
    weights = [WEIGHTS[file % len(WEIGHTS)] for file in range(files)]
    shares = [1 + (facts - files) * weight // sum(weights) for weight in weights]
    shares[weights.index(max(weights))] += facts - sum(shares)
    paths = []
    for file, share in enumerate(shares):
        folder = root / SUBFOLDER if files >= 10 and file >= files - 3 else root
        folder.mkdir(exist_ok=True)
        path = folder / f"topic-{file:02d}.yaml"
        path.write_text(file_text(file, share), encoding="utf-8")
        paths.append(path)
    return paths


def _middle_file(root: Path) -> tuple[Path, str]:
    files = sorted(root.glob("*.yaml"))
    path = files[len(files) // 2]
    return path, path.read_text(encoding="utf-8")


def _facts_end(text: str) -> int:
    end = text.find("\ncomparisons:")
    return end if end >= 0 else len(text)


def edit_one_fact(root: Path, round_: int) -> Path:
    """Reword one cloze fact in the middle file: what an author's save does most often."""
    path, text = _middle_file(root)
    marker = "\n    text: "
    at = text.find(marker, _facts_end(text) // 2)
    while text[at + len(marker)] == "|" or "\n    list:" in text[at : text.find("\n  - ", at)]:
        at = text.find(marker, at + 1)
    at += len(marker) + (text[at + len(marker)] in "'\"")
    path.write_text(text[:at] + f"Reworded {round_}, " + text[at:], encoding="utf-8")
    return path


def add_one_fact(root: Path, round_: int) -> Path:
    """Add a cloze fact in the middle of the middle file's facts."""
    path, text = _middle_file(root)
    at = text.find("\n  - id: ", _facts_end(text) // 2) + 1
    fact = (
        f"  - id: added-{round_}\n"
        f"    text: Fact added in round {round_}, the {{{{clonus}}}} of a {{{{UMN::which?}}}} lesion.\n"
        f"    source: {text.split('sources:', 1)[1].split(':', 1)[0].strip()}\n"
    )
    path.write_text(text[:at] + fact + text[at:], encoding="utf-8")
    return path


if __name__ == "__main__":
    write_cards(Path(sys.argv[2]), int(sys.argv[1]))
