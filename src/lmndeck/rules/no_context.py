"""no-context: a card whose front gives too little to go on.

A front is the cue the student answers from. With a word or two around the gap ("Atrophy is
{{...}}"), many answers fit and none is the card's: the student learns to guess what this card
wants rather than the fact (formulating knowledge: context cues simplify wording, and a card
must have one answer). Counted: the words a card's front shows besides its hidden answer: for a
cloze card the text around its deletions, the other deletions' answers and its hints; for a list
fact its prompt; for a basic card its front.

Options: ``min-words`` (default 4) for cloze and list fronts: a subject, a relation and a
qualifier ("In poliomyelitis, weakness is {{asymmetric}}"); ``basic-min-words`` (default 2) for a
basic card's front, a question whose words all count ("Define clonus").

Bad::

    - id: atrophy
      text: Atrophy is {{muscle wasting}}.

Good::

    - id: atrophy
      text: In an LMN lesion, the loss of muscle mass is called {{atrophy}}.
"""

from __future__ import annotations

from collections.abc import Iterator

from lmndeck.problems import Code, Level
from lmndeck.project import Project
from lmndeck.rules.base import Finding, Options, cards
from lmndeck.wording import words

ID = Code.NO_CONTEXT
LEVEL = Level.WARNING
OPTIONS: Options = {"min-words": 4, "basic-min-words": 2}

_HINT = "say what is asked: the subject, the situation, the kind of answer expected"


def check(project: Project, options: Options) -> Iterator[Finding]:
    for card in cards(project):
        if card.context is None:
            continue
        least = int(options["basic-min-words" if card.terse else "min-words"])
        count = len(words(card.context))
        if count < least:
            yield Finding(
                card.position,
                f"the card of '{card.answers[0].text}' shows {_words(count)} besides its "
                f"answer (fewer than {least})",
                _HINT,
                card.ignored,
            )


def _words(count: int) -> str:
    return "1 word" if count == 1 else f"{count} words"
