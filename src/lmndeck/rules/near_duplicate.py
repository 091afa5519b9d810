"""near-duplicate: two facts that say nearly the same.

Two cards on one fact split its reviews between them, and two nearly equal facts with different
answers interfere: the student mixes them up (formulating knowledge: avoid interference). Facts
of every kind are compared by the words they teach (a cloze fact's text with its answers, a list
fact's prompt and items, a basic card's front and back): their similarity is the share of words
they have in common (Jaccard: common words / all words). Reported at the later fact, naming the
earlier one. Fast on large decks: only facts that share one of their rarest words are compared.

Options: ``threshold`` (default 0.8): near-identical, such as the same sentence with one word
changed or added; lower it to find paraphrases, at the price of false alarms.

Bad::

    - id: polio-lmn
      text: Poliomyelitis is a classic example of paralysis from {{LMN}} lesions.
    - id: polio-lmn-again
      text: Poliomyelitis is a classic example of a paralysis from {{LMN}} lesions alone.

Good: keep one of them, or make them ask different things.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator

from lmndeck.problems import RELATED, Code, Level
from lmndeck.project import Project
from lmndeck.rules.base import Finding, Options, linted
from lmndeck.wording import words

ID = Code.NEAR_DUPLICATE
LEVEL = Level.WARNING
OPTIONS: Options = {"threshold": 0.8}


def check(project: Project, options: Options) -> Iterator[Finding]:
    threshold = float(options["threshold"])
    found = [item for item in linted(project) if item.statement is not None]
    texts = [frozenset(words(item.statement or "")) for item in found]
    frequency = Counter(word for text in texts for word in text)
    # Prefix filtering (Bayardo et al., "Scaling up all pairs similarity search"): with the words
    # of every text in one order, rarest first, two texts at least ``threshold`` similar share
    # a word among the first few of each, so only facts sharing one of those are compared.
    by_word: dict[str, list[int]] = {}
    for number, text in enumerate(texts):
        ordered = sorted(text, key=lambda word: (frequency[word], word))
        prefix = ordered[: len(ordered) - math.ceil(threshold * len(ordered)) + 1]
        candidates = sorted(set().union(*(by_word.get(word, ()) for word in prefix)))
        earlier = next(
            (other for other in candidates if _similar(text, texts[other], threshold)), None
        )
        if earlier is not None:
            fact, first = found[number], found[earlier]
            yield Finding(
                fact.position,
                f"the fact '{fact.id}' says nearly what '{first.id}' says",
                "keep one of them, or make them ask different things; the other is at " + RELATED,
                fact.ignored | first.ignored,
                related=first.position,
            )
        for word in prefix:
            by_word.setdefault(word, []).append(number)


def _similar(text: frozenset[str], other: frozenset[str], threshold: float) -> bool:
    """Whether the Jaccard similarity of the two texts reaches ``threshold``."""
    common = len(text & other)
    return common >= threshold * (len(text) + len(other) - common)
