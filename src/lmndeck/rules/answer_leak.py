"""answer-leak: a card whose front contains its own answer.

A card is a question; when its front already says the answer, the student reads it instead of
recalling it, and the card trains reading, not memory (formulating knowledge: the front gives
the cue, never the answer). Found, case-insensitively and as whole words:

- a cloze deletion whose answer is in the visible text of its own card's front: the fact's text
  around it, the other deletions' answers (Anki shows them) and its own hint, unless the hint
  offers the answer among choices ("UMN or LMN?", "a/b"), which is a fair question;
- a basic card whose back is on its front (with ``reverse: true``, also its front on its back);
- a list item already in the list's prompt, or inside an item shown before it;
- a comparison cell whose text is in its card's front: the comparison's title, the row's feature
  or the column's label. (A cell naming its own column on a discrimination card is the error
  ``answer-in-cell``.)

Options: none.

Bad::

    - id: lmn-definition
      text: A lower motor neuron lesion is a lesion of the {{lower motor neuron}}.

Good::

    - id: lmn-definition
      text: An LMN lesion is a lesion of the neurons from the {{anterior horn}} to the muscle.
"""

from __future__ import annotations

from collections.abc import Iterator

from lmndeck.problems import Code, Level
from lmndeck.project import Project
from lmndeck.rules.base import Finding, Options, cards
from lmndeck.wording import contains_words

ID = Code.ANSWER_LEAK
LEVEL = Level.WARNING
OPTIONS: Options = {}


def check(project: Project, options: Options) -> Iterator[Finding]:
    for card in cards(project):
        for answer in card.answers:
            if any(contains_words(text, answer.text) for text in card.front):
                yield Finding(
                    answer.position,
                    f"the front of the card of '{answer.text}' already says '{answer.text}'",
                    "reword the front so that it asks without saying the answer, or switch "
                    "the rule off where the card is still worth asking: "
                    "lint: {ignore: [answer-leak]}",
                    answer.ignored,
                )
