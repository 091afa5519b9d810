"""The YAML mistakes of a newcomer get a message they can act on, through the CLI: a key
indented too far, Markdown pasted into a cards file, a value starting with '>', a forgotten
'- ' between two list items."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from lmndeck import loader
from lmndeck.cli import main
from tests.conftest import WriteCards
from tests.test_hostile_inputs import LOADERS

HEADER = """\
deck: Demo
sources: {t: {title: A text}}
source: t
facts:
  - id: a
    text: The {{knee jerk}} tests L3-L4.
"""


@pytest.fixture(autouse=True, params=sorted(LOADERS))
def in_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    """Each mistake with each YAML parser (libyaml's and PyYAML's own word their errors apart)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(loader, "_Loader", LOADERS[request.param])


def checked(write_cards: WriteCards, body: str) -> list[str]:
    write_cards(HEADER + body)
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    return result.output.splitlines()


IMPORT = (
    "a cards file is YAML: turn notes into a draft cards file with 'lmndeck import NOTES.md', or "
    "write each fact under 'facts:' as '- id: ...' and 'text: ...'"
)
COMPARISON = (
    "comparisons:\n  - id: lesions\n    title: LMN vs UMN\n"
    "    columns: {lmn: LMN lesion, umn: UMN lesion}\n    rows:\n"
)
DASH = "this line starts where the '- ' of the item above it does, without one"


@pytest.mark.parametrize(
    ("body", "where", "said", "hint"),
    [
        pytest.param(
            "  - id: b\n     text: The {{ankle jerk}} tests S1.\n",
            "8:10",
            "'text:' is indented 1 space more than 'id:' above it",
            "the keys of one item line up: indent 'text:' by 4 spaces",
            id="key-one-space-too-far",
        ),
        pytest.param(
            "  - id: b\n        text: The {{ankle jerk}} tests S1.\n",
            "8:13",
            "'text:' is indented 4 spaces more than 'id:' above it",
            "the keys of one item line up: indent 'text:' by 4 spaces",
            id="key-four-spaces-too-far",
        ),
        pytest.param(
            "  - id: b\n    text: Signs\n    list:\n      - Weakness\n     - Atrophy\n",
            "11:6",
            "this '- ' is indented 1 space less than the '- ' of the item above it",
            "the items of one list line up: indent '- Atrophy' by 6 spaces",
            id="item-one-space-short",
        ),
        pytest.param(
            "  - id: b\n   text: The {{ankle jerk}} tests S1.\n",
            "8:4",
            "'text:' is indented 1 space less than 'id:' above it",
            "the keys of one item line up: indent 'text:' by 4 spaces",
            id="key-one-space-short",
        ),
        pytest.param(
            " comparisons:\n",
            "7:2",
            "'comparisons:' is indented 1 space more than 'facts:' above it",
            "the file's own keys start the line: remove the spaces before 'comparisons:'",
            id="file-key-indented",
        ),
        pytest.param(
            '  - id: b\n    text: "The {{ankle jerk}} tests S1.\n',
            "8:11",
            'the text opened here with " is never closed',
            'end it with "; a " inside the text is written \\"',
            id="unclosed-quote",
        ),
        pytest.param(
            '  - id: b\n    text: "The "classic" {{ankle jerk}} tests S1."\n',
            "8:17",  # right after the quote that ends the text
            'a " inside a text in " quotes ends the text there',
            'write a " inside the text as \\", e.g. text: "The \\"classic\\" {{ankle jerk}} '
            'tests S1."',
            id="quote-inside-quotes",
        ),
        pytest.param(
            "  - id: b\n    text: Palsies\n    list:\n      - 'Bell's palsy'\n      - Other\n",
            "10:15",
            "a ' inside a text in ' quotes ends the text there",
            "write a ' inside the text as '', e.g. - 'Bell''s palsy'",
            id="apostrophe-in-single-quotes",
        ),
        pytest.param(
            "comparisons:\n  - id: c\n    title: A vs B\n    columns: {a: A, b: B}\n"
            "    rows:\n      - {feature: pH, a: '7.30', b: '7.40'\n      - {feature: K}\n",
            "12:9",
            "the '{' opened here is not closed on its line",
            "close it with '}', or quote the text if the '{' is part of it",
            id="unclosed-brace",
        ),
        pytest.param(
            "\n# Reflexes\nThe ankle jerk tests S1.\n",
            "9:1",
            "this line is text, neither 'key: value' nor an item '- ...'",
            IMPORT,
            id="prose",
        ),
        pytest.param(
            "\n> [!tip] Exam pearl\n> The ankle jerk tests S1.\n",
            "8:3",
            "this looks like Markdown",
            IMPORT,
            id="markdown-callout",
        ),
        pytest.param(
            "  - id: b\n\ttext: The {{ankle jerk}} tests S1.\n",
            "8:1",
            "a tab indents this line",
            "indent with spaces; YAML does not allow tabs",
            id="tab-indentation",
        ),
        pytest.param(
            "\n## Signs of an LMN lesion\n\n- **Fasciculations**: twitches under the skin\n",
            "10:1",
            "this looks like Markdown",
            IMPORT,
            id="markdown-bullets",
        ),
        pytest.param(
            "| Feature | LMN | UMN |\n|---|---|---|\n",
            "7:3",
            "this looks like Markdown",
            IMPORT,
            id="markdown-table",
        ),
        pytest.param(
            "  - id: b\n    text: **Fasciculations** are typical of LMN lesions\n",
            "8:12",
            "this looks like Markdown",
            IMPORT,
            id="markdown-bold-value",
        ),
        pytest.param(
            "  - id: b\n    text: > 7.30 is {{alkalosis}}\n",
            "8:13",
            "a value starting with '>' is read as a block of the lines below it",
            'quote the text, e.g. text: "> 7.30 is {{alkalosis}}"',
            id="leading-greater-than",
        ),
        pytest.param(
            "  - id: b\n    text: Signs\n    list:\n      - | 2 or more\n      - Tone\n",
            "10:11",
            "a value starting with '|' is read as a block of the lines below it",
            'quote the text, e.g. - "| 2 or more"',
            id="leading-bar",
        ),
        pytest.param(
            "  - id: b\n    text: pH\n    list:\n      - > 7.30\n      - < 7.30\n",
            "10:11",
            "a value starting with '>' is read as a block of the lines below it",
            'quote the text, e.g. - "> 7.30"',
            id="leading-greater-than-list-item",
        ),
        pytest.param(
            "comparisons:\n  - id: c\n    title: A vs B\n    columns: {a: A, b: B}\n"
            "    rows:\n      - {feature: pH, a: < 7.30, b: > 7.30}\n",
            "12:37",
            "a value cannot start with '>' unquoted",
            'quote it: "> 7.30"',
            id="leading-greater-than-flow-cell",
        ),
        pytest.param(
            "  - id: b\n    text: *Important* the {{ankle jerk}} tests S1.\n",
            "8:11",
            "a value cannot start with '*' unquoted",
            'quote it: "*Important* the {{ankle jerk}} tests S1."',
            id="leading-star",
        ),
        pytest.param(
            "  - id: b\n    text: Signs\n    list:\n      - *Weakness*\n      - Tone\n",
            "10:9",
            "a value cannot start with '*' unquoted",
            'quote it: "*Weakness*"',
            id="leading-star-list-item",
        ),
        pytest.param(
            "  - id: b\n    text: & the {{ankle jerk}} tests S1.\n",
            "8:11",
            "a value cannot start with '&' unquoted",
            'quote it: "& the {{ankle jerk}} tests S1."',
            id="leading-ampersand",
        ),
        pytest.param(
            "  - id: b\n    text: @home the {{ankle jerk}} tests S1.  # a comment\n",
            "8:11",
            "a value cannot start with '@' unquoted",
            'quote it: "@home the {{ankle jerk}} tests S1."',  # the whole text, not to its '}'
            id="leading-at",
        ),
        pytest.param(
            "  - id: b\n    text: % of {{ankle jerks}} test S1.\n",
            "8:11",
            "a value cannot start with '%' unquoted",
            'quote it: "% of {{ankle jerks}} test S1."',
            id="leading-percent",
        ),
        pytest.param(
            "  - id: b\n    text: {{Atrophy}} is wasting of muscle.\n",
            "8:11",  # at the '{', not after the '}}' where YAML gave up
            "a text that starts with '{' must be quoted: YAML reads it as a mapping",
            'quote the text, e.g. text: "{{Atrophy}} is wasting of muscle."',
            id="leading-deletion",
        ),
        pytest.param(
            "  - id: b\n    text: Signs\n    list:\n      - {{Weakness}} of muscle\n      - Tone\n",
            "10:9",
            "a text that starts with '{' must be quoted: YAML reads it as a mapping",
            'quote the text, e.g. - "{{Weakness}} of muscle"',
            id="leading-deletion-list-item",
        ),
        pytest.param(
            "  - id: b\n    text: The {{facial nerve}} is affected\n    extra: {Bell} palsy  # 7\n",
            "9:12",
            "a text that starts with '{' must be quoted: YAML reads it as a mapping",
            'quote the text, e.g. extra: "{Bell} palsy"',
            id="leading-brace-extra",
        ),
        pytest.param(
            "  - id: b\n    text: [Bell] palsy is {{LMN}}\n",
            "8:11",
            "a text that starts with '[' must be quoted: YAML reads it as a list",
            'quote the text, e.g. text: "[Bell] palsy is {{LMN}}"',
            id="leading-bracket",
        ),
        pytest.param(
            "comparisons:\n  - id: c\n    title: A vs B\n    columns: {a: A, b: B}\n"
            "    rows:\n      - {feature: Tone, a: {{Reduced}} tone, b: Spastic}\n",
            "12:28",
            "a text that starts with '{' must be quoted: YAML reads it as a mapping",
            'quote the text, e.g. a: "{{Reduced}} tone"',  # to the ',' of the row's next cell
            id="leading-deletion-flow-cell",
        ),
        pytest.param(
            "  - id: b\n    text: Note: the {{ankle jerk}} tests S1.\n",
            "8:15",
            "the ': ' after 'Note' starts a key of its own in an unquoted text",
            'quote the text, e.g. text: "Note: the {{ankle jerk}} tests S1."',
            id="colon-in-text",
        ),
        pytest.param(
            "  - id: b\n    text: Signs\n    list:\n      - Weakness\n      Atrophy\n"
            "      - Tone\n",
            "11:7",  # at the line without its '- ', not at the next item where YAML gave up
            DASH,
            "start it with '- ' if it is an item of its own ('- Atrophy'); to continue the item "
            "above, indent it further",
            id="forgotten-dash-at-the-dash",
        ),
        pytest.param(
            "  id: b\n    text: The {{ankle jerk}} tests S1.\n",
            "7:3",
            DASH,
            "start it with '- ' if it is an item of its own ('- id: b'); to continue the item "
            "above, indent it further",
            id="forgotten-dash-before-a-fact",
        ),
    ],
)
def test_a_newcomers_yaml_mistake_says_what_was_typed_and_what_to_do(
    write_cards: WriteCards, body: str, where: str, said: str, hint: str
) -> None:
    # in place of the parser's words ("mapping values are not allowed here")
    assert checked(write_cards, body)[:2] == [
        f"cards/demo.yaml:{where}: error[invalid-yaml]: invalid YAML: {said}",
        f"  hint: {hint}",
    ]


@pytest.mark.parametrize(
    ("body", "where", "hint"),
    [
        pytest.param(
            "  - id: b\n    front: {{x}}\n    back: y\n",
            "8:12",
            'quote the text, e.g. front: "{{x}}"',
            id="front",
        ),
        pytest.param(
            "  - id: b\n    text: {{Atrophy}}  # a whole text\n",
            "8:11",
            'quote the text, e.g. text: "{{Atrophy}}"',
            id="text",
        ),
        pytest.param(
            "  - id: b\n    text: Signs\n    list:\n      - {{Weakness}}\n      - Tone\n",
            "10:9",
            'quote the text, e.g. - "{{Weakness}}"',
            id="list-item",
        ),
        pytest.param(
            COMPARISON + "      - {feature: Tone, lmn: {{Reduced}}, umn: Spastic}\n",
            "12:30",
            'quote the text, e.g. lmn: "{{Reduced}}"',
            id="flow-cell",
        ),
        pytest.param(
            COMPARISON + "      - feature: Bulk\n        lmn: {Atrophy}\n        umn: Normal\n",
            "13:14",
            'quote the text, e.g. lmn: "{Atrophy}"',
            id="cell",
        ),
    ],
)
def test_a_whole_text_in_braces_is_told_to_quote_it(
    write_cards: WriteCards, body: str, where: str, hint: str
) -> None:
    # valid YAML (a mapping), so not the parser's error: the same words, the author's own text
    assert checked(write_cards, body)[:2] == [
        f"cards/demo.yaml:{where}: error[wrong-type]: a text that starts with '{{' must be "
        "quoted: YAML reads it as a mapping",
        f"  hint: {hint}",
    ]


BASIC_HINT = "A basic card is 'front:' and 'back:'"


@pytest.mark.parametrize(
    ("question", "answer"), [pytest.param("question", "answer"), pytest.param("q", "a")]
)
def test_a_question_and_answer_are_told_they_are_front_and_back(
    write_cards: WriteCards, question: str, answer: str
) -> None:
    body = f"  - id: b\n    {question}: What does the ankle jerk test?\n    {answer}: S1\n"
    # one problem per key, none for the 'text' a fact without them would lack
    assert checked(write_cards, body) == [
        f"cards/demo.yaml:8:5: error[unknown-key]: unknown key '{question}' in a fact",
        f"  hint: did you mean 'front'? {BASIC_HINT}",
        f"cards/demo.yaml:9:5: error[unknown-key]: unknown key '{answer}' in a fact",
        f"  hint: did you mean 'back'? {BASIC_HINT}",
        "2 errors; nothing was written.",
    ]


def test_a_question_beside_a_text_is_one_problem(write_cards: WriteCards) -> None:
    # not read as a basic card's 'front', which would make 'text' unknown and 'back' missing
    body = "  - id: b\n    question: Which reflex?\n    text: The {{ankle jerk}} tests S1.\n"
    assert checked(write_cards, body) == [
        "cards/demo.yaml:8:5: error[unknown-key]: unknown key 'question' in a fact",
        f"  hint: did you mean 'front'? {BASIC_HINT}",
        "1 error; nothing was written.",
    ]


def test_an_unknown_key_in_a_fact_lists_the_keys_of_every_kind_of_fact(
    write_cards: WriteCards,
) -> None:
    body = "  - id: b\n    text: The {{ankle jerk}} tests S1.\n    comment: reflexes\n"
    assert checked(write_cards, body) == [
        "cards/demo.yaml:9:5: error[unknown-key]: unknown key 'comment' in a fact",
        "  hint: expected one of: id, text, extra, image, tags, source, was, draft, lint; for a "
        "basic card: front, back, reverse; for a list fact: list, ordered",
        "1 error; nothing was written.",
    ]


def test_a_misspelt_key_is_read_as_the_key_it_stands_for(write_cards: WriteCards) -> None:
    # 'frnot' is a basic card's 'front': no 'text' is missing, and the basic card is checked
    body = "  - id: b\n    frnot: What does the ankle jerk test?\n    back:\n"
    assert checked(write_cards, body) == [
        "cards/demo.yaml:8:5: error[unknown-key]: unknown key 'frnot' in a fact",
        "  hint: did you mean 'front'?",
        "cards/demo.yaml:9:10: error[empty-value]: back is empty",
        "  hint: write the back after the ':'",
        "2 errors; nothing was written.",
    ]


LABEL = "a row names its cells by column id, the key before the label in 'columns:'"


def test_a_row_keyed_by_column_labels_is_told_the_ids(write_cards: WriteCards) -> None:
    rows = (
        "      - feature: Tone\n        LMN lesion: Reduced\n        umn lesion: Spastic\n"
        "      - {feature: Bulk, lmn: Atrophy, UMN Lesion: Normal}\n"
    )
    # one problem a key, whatever its case; no 'the row has no cells' for the first row
    assert checked(write_cards, COMPARISON + rows) == [
        "cards/demo.yaml:13:9: error[unknown-key]: 'LMN lesion' is the label of column 'lmn': "
        "write 'lmn:'",
        f"  hint: {LABEL}",
        "cards/demo.yaml:14:9: error[unknown-key]: 'umn lesion' is the label of column 'umn': "
        "write 'umn:'",
        "cards/demo.yaml:15:39: error[unknown-key]: 'UMN Lesion' is the label of column 'umn': "
        "write 'umn:'",
        "3 errors; nothing was written.",
    ]


def test_an_item_with_an_unquoted_colon_is_told_to_quote_it(write_cards: WriteCards) -> None:
    body = "  - id: b\n    text: Signs\n    list:\n      - Tone: low\n      - Reflexes\n"
    assert checked(write_cards, body)[:2] == [
        "cards/demo.yaml:10:9: error[wrong-type]: a list item must be text, not a mapping",
        "  hint: a ': ' in an unquoted text makes a key of what is before it; quote it: "
        '"Tone: low"',
    ]


def test_a_forgotten_dash_between_two_list_items_is_an_error(write_cards: WriteCards) -> None:
    items = "      - Weakness\n        Atrophy\n      - Tone\n"
    output = checked(write_cards, "  - id: signs\n    text: Signs\n    list:\n" + items)
    assert output[:2] == [
        "cards/demo.yaml:11:9: error[merged-items]: this line continues the item "
        "'Weakness Atrophy' above it: YAML joins the lines of an item into one text",
        "  hint: start it with '- ' if it is an item of its own; for one long item, write it on "
        "one line or in quotes",
    ]


def test_an_item_indented_past_the_one_above_is_told_to_line_up(write_cards: WriteCards) -> None:
    items = "      - Weakness\n       - Atrophy\n      - Tone\n"
    output = checked(write_cards, "  - id: signs\n    text: Signs\n    list:\n" + items)
    assert output[:2] == [
        "cards/demo.yaml:11:8: error[merged-items]: this line continues the item "
        "'Weakness - Atrophy' above it: YAML joins the lines of an item into one text",
        "  hint: line its '- ' up with the '- ' of the item above it",
    ]


@pytest.mark.parametrize(
    "items",
    [
        "      - Weakness of the\n          proximal muscles\n      - Tone\n",  # continued further in
        '      - "Weakness of the\n        proximal muscles"\n      - Tone\n',  # quoted
        "      [Weakness of the\n        proximal muscles, Tone]\n",  # a flow list
    ],
)
def test_one_long_item_over_two_lines_is_one_item(write_cards: WriteCards, items: str) -> None:
    write_cards(HEADER + "  - id: signs\n    text: Signs\n    list:\n" + items)
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 0, result.output


def test_a_file_without_a_deck_says_so_and_names_no_deck_for_it(write_cards: WriteCards) -> None:
    write_cards(HEADER.replace("deck: Demo\n", ""))
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 1
    assert result.output.splitlines()[:2] == [
        "cards/demo.yaml:1:1: error[missing-key]: a cards file is missing the key 'deck'",
        "  hint: start the file with 'deck: Name', the Anki deck its cards go into ('::' makes "
        "subdecks, e.g. deck: Neurology::Motor); lmndeck never names a deck after the file or "
        "its folder",
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            "  - id: b\n    text: The {{ankle jerk}} is #1 in S1 tests.\n",
            [
                "cards/demo.yaml:8:33: error[comment-in-text]: YAML reads ' #1 in S1 tests.' as "
                "a comment, so the text ends before it",
                '  hint: if it is part of the text, quote the whole text: "The {{ankle jerk}} '
                "is #1 in S1 tests.\"; write a comment as '# ...', with a space after the '#'",
            ],
            id="hash-in-text",
        ),
        pytest.param(
            "  - id: b\n    text: &reflex the {{ankle jerk}} tests S1.\n",
            [
                "cards/demo.yaml:8:11: error[yaml-alias]: '&reflex' is a YAML anchor, not text: "
                "YAML drops it from the value",
                "  hint: anchors and aliases are not supported in cards files; if it is part of "
                'the text, quote the text: "&reflex the {{ankle jerk}} tests S1."',
            ],
            id="leading-anchor",
        ),
        pytest.param(
            "  - id: b\n    text: ! the {{ankle jerk}} tests S1.\n",
            [
                "cards/demo.yaml:8:11: error[yaml-tag]: the YAML tag '!' is not supported in "
                "cards files",
                "  hint: remove the '!' tag (values are plain text, lists and mappings), or quote "
                "the text if the '!' is part of it",
            ],
            id="leading-bang",
        ),
    ],
)
def test_text_yaml_would_silently_cut_is_an_error(
    write_cards: WriteCards, body: str, expected: list[str]
) -> None:
    assert checked(write_cards, body)[:2] == expected


def test_a_comment_written_as_one_or_after_an_id_is_no_text(write_cards: WriteCards) -> None:
    # an id cannot hold ' #': what follows it is a comment, however written
    write_cards(HEADER + "  - id: b  #todo: reword\n    text: The {{ankle jerk}} tests S1. # S1\n")
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 0, result.output


def test_a_second_id_in_one_item_says_a_dash_may_be_missing(write_cards: WriteCards) -> None:
    output = checked(write_cards, "\n    id: b\n    text: The {{ankle jerk}} tests S1.\n")
    assert output[:2] == [
        "cards/demo.yaml:8:5: error[duplicate-key]: duplicate key 'id' in a fact",
        "  hint: the first 'id' is at line 5; remove or rename one of them; if a new item starts "
        "here, begin its line with '- ' ('- id: ...')",
    ]


def test_facts_without_their_file_say_what_the_file_starts_with(write_cards: WriteCards) -> None:
    write_cards("- id: a\n  text: The {{knee jerk}} tests L3-L4.\n")
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 1
    assert result.output.splitlines()[:2] == [
        "cards/demo.yaml:1:1: error[wrong-type]: a cards file must be a mapping of keys to "
        "values, not a list",
        "  hint: start the file with 'deck: Name', then 'facts:' with the items indented under it",
    ]
