"""Text is text: authored text becomes HTML in linear time, with only **bold**, *italic* and line
breaks interpreted, and Anki's own markup shown as typed (checked with Anki's real renderer)."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from lmndeck.cli import main
from lmndeck.kinds.comparison import Cell, Column, Comparison, Row, row_html
from lmndeck.markup import attribute, inline
from lmndeck.model import SourceRef, TextSource
from lmndeck.problems import Position
from tests.anki_client import AnkiCollection
from tests.conftest import WriteCards

EXAMPLES = 200 if os.environ.get("CI") else 2000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain text", "plain text"),
        ("a <b> & c", "a &lt;b&gt; &amp; c"),
        ("&amp; stays as typed", "&amp;amp; stays as typed"),
        ("**bold** and *italic*", "<b>bold</b> and <i>italic</i>"),
        ("2 * 3 * 4", "2 * 3 * 4"),  # a marker before a space opens nothing
        ("**not\nbold**", "**not<br>bold**"),  # spans never cross a line break
        ("***both***", "<b><i>both</b></i>"),  # as always: bold first, then italic
        ("one\ntwo", "one<br>two"),
        ("_x_ `y` # z [link](u) \\*", "_x_ `y` # z &#91;link](u) \\*"),  # no other Markdown
        ("[sound:x.mp3]", "&#91;sound:x.mp3]"),
        (
            "\\(x\\) \\[y\\]",
            "\\<span></span>(x\\<span></span>) \\<span></span>&#91;y\\<span></span>]",
        ),
    ],
)
def test_inline(text: str, expected: str) -> None:
    assert inline(text) == expected


_OLD_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_OLD_ITALIC = re.compile(r"\*(?=\S)(.+?)(?<=\S)\*")


def quadratic_inline(text: str) -> str:
    """The regexes inline() used to run (quadratic time): the oracle for short texts."""
    escaped = html.escape(text, quote=False)
    escaped = _OLD_ITALIC.sub(r"<i>\1</i>", _OLD_BOLD.sub(r"<b>\1</b>", escaped))
    return escaped.replace("\n", "<br>")


@settings(max_examples=EXAMPLES)
@given(st.text(alphabet="**ab <&\n\t\u00a0\u2003", max_size=30))
def test_emphasis_is_exactly_what_the_regexes_did(text: str) -> None:
    assert inline(text) == quadratic_inline(text)


@settings(max_examples=EXAMPLES)
@given(st.text(alphabet="[]()\\$:<>&;#a \n", max_size=30))
def test_the_student_sees_what_the_author_typed(text: str) -> None:
    shown = re.sub(r"<[^>]*>", "", inline(text).replace("<br>", "\n"))
    assert html.unescape(shown) == text


@pytest.mark.parametrize("unit", ["**a ", "*a ", "a* ", "**\n", "***"])
def test_pathological_emphasis_renders_whole(unit: str) -> None:
    # 200 KB took over two minutes with the regexes; a linear scan takes well under a second.
    text = unit * 50_000
    assert inline(text) == inline(unit * 1_000) * 50


def test_link_addresses_hide_anki_markup_but_keep_their_target() -> None:
    address = "https://example.org/a?b=1&c=[sound:x.mp3]"
    assert attribute(address) == "https://example.org/a?b=1&amp;c=&#91;sound:x.mp3]"
    assert html.unescape(attribute(address)) == address


def test_a_cell_back_shows_its_row_with_exactly_the_asked_cell_marked() -> None:
    source = SourceRef(TextSource("s", "S", None, None))
    columns = (Column("a", "*A*"), Column("b", "B"), Column("c", "C"))
    rows = (
        Row("r1", "R1", (Cell("**x**", source), None, Cell("v", source))),
        Row("r2", "R2 & more", (Cell("y", source), Cell("z & w", source), None)),
    )
    table = Comparison("t", "T", columns, rows, "", (), Position("t.yaml", 1, 1))
    assert row_html(table, rows[1], "b") == (
        '<div class="lmn-feature">R2 &amp; more</div><dl class="lmn-pairs">'
        "<dt><i>A</i></dt><dd>y</dd>"
        '<dt class="lmn-asked">B</dt><dd class="lmn-asked">z &amp; w</dd>'
        "<dt>C</dt><dd>—</dd></dl>"
    )
    assert "R1" not in row_html(table, rows[1], "a")  # other rows are not shown


# Everything Anki itself would interpret: audio, a type-in box, LaTeX images, MathJax, speech.
MARKUP = (
    r"[sound:x.mp3] [[type:Text]] [latex]x^2[/latex] [$]y[/$] [$$]z[/$$] \(a+b\) \[c+d\] "
    r"[anki:tts lang=en_US]hello[/anki:tts] [anki:play:q:0]"
)
ANSWER = r"A [sound:a.mp3] \(q\)"
HINT = r"H [[type:Text]] [$]h[/$]"


def markup_deck() -> str:
    def quoted(text: str) -> str:  # a single-quoted YAML scalar: backslashes stay as typed
        return "'" + text.replace("'", "''") + "'"

    return f"""\
deck: Markup
sources:
  text:
    title: {quoted("title " + MARKUP)}
    author: {quoted("author " + MARKUP)}
    url: https://example.org/[sound:u.mp3]
  video:
    youtube: xWPaCACoam4
    title: {quoted("video " + MARKUP)}
source: text
facts:
  - id: fact
    text: {quoted("fact " + MARKUP + " {{" + ANSWER + "::" + HINT + "}} end")}
    extra: {quoted("extra " + MARKUP)}
comparisons:
  - id: table
    title: {quoted("table " + MARKUP)}
    extra: {quoted("table extra " + MARKUP)}
    columns:
      one: {quoted("column " + MARKUP)}
      two: plain
    rows:
      - id: row
        feature: {quoted("feature " + MARKUP)}
        one: {quoted("cell " + MARKUP)}
        two: {{text: {quoted("video cell " + MARKUP)}, source: video 01:02}}
"""


def text_nodes(rendered: str) -> list[str]:
    """What the browser (and MathJax, which never joins text across elements) reads as text."""
    return [html.unescape(text) for text in re.split(r"<[^>]*>", rendered)]


def assert_shown_as_typed(rendered: str, *typed: str) -> None:
    visible = "".join(text_nodes(rendered))
    for text in typed:
        assert text in visible
    assert not any(re.search(r"\\[(\[]", text) for text in text_nodes(rendered))  # no MathJax
    assert not re.search(r"\[sound:|\[anki:|\[\[type:|\[\$|\[latex\]|\\[(\[]", rendered)
    assert "<img" not in rendered  # no LaTeX image


def test_anki_markup_is_shown_as_typed_in_every_text(
    write_cards: WriteCards, collection: AnkiCollection, tmp_path: Path
) -> None:
    cards_dir = write_cards(markup_deck())
    apkg = tmp_path / "markup.apkg"
    result = CliRunner().invoke(main, ["build", str(cards_dir), "-o", str(apkg)])
    assert result.exit_code == 0, result.output
    assert collection.import_package(apkg).new == 5  # a fact, two cells, two discrimination

    col = collection.col
    rendered = []
    for card_id in col.find_cards(""):
        card = col.get_card(card_id)
        output = card.render_output()
        assert list(output.question_av_tags) == [] and list(output.answer_av_tags) == []
        rendered.append((card.note_type()["name"], output))
    sources = ["title " + MARKUP, "author " + MARKUP]

    (cloze,) = [output for kind, output in rendered if kind == "lmndeck cloze"]
    assert_shown_as_typed(cloze.question_text, "fact " + MARKUP, f"[{HINT}]", " end")
    assert 'class="cloze"' in cloze.question_text and ANSWER not in cloze.question_text
    assert_shown_as_typed(cloze.answer_text, ANSWER, "extra " + MARKUP, *sources)

    cells = [output for kind, output in rendered if kind == "lmndeck comparison cell"]
    assert len(cells) == 2
    for output in cells:
        labels = ["table " + MARKUP, "feature " + MARKUP]
        assert_shown_as_typed(output.question_text, *labels)
        table = ["column " + MARKUP, "cell " + MARKUP, "video cell " + MARKUP]
        assert_shown_as_typed(output.answer_text, *labels, *table, "table extra " + MARKUP)
    assert_shown_as_typed("".join(output.answer_text for output in cells), *sources)
    assert any("video " + MARKUP in "".join(text_nodes(output.answer_text)) for output in cells)

    choices = [output for kind, output in rendered if kind == "lmndeck discrimination"]
    assert len(choices) == 2
    for output in choices:
        labels = ["table " + MARKUP, "feature " + MARKUP, "column " + MARKUP]
        assert_shown_as_typed(output.question_text, *labels)
    asked = "".join(output.question_text for output in choices)
    assert_shown_as_typed(asked, "cell " + MARKUP, "video cell " + MARKUP)
