"""Text is text: authored text becomes HTML in linear time, with only **bold**, *italic* and line
breaks interpreted."""

from __future__ import annotations

import html
import os
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lmndeck.markup import inline
from lmndeck.model import Cell, Column, Comparison, Row, SourceRef, TextSource
from lmndeck.problems import Position
from lmndeck.render import table_html

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
        ("_x_ `y` # z [link](u) \\*", "_x_ `y` # z [link](u) \\*"),  # no other Markdown
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


@pytest.mark.parametrize("unit", ["**a ", "*a ", "a* ", "**\n", "***"])
def test_pathological_emphasis_renders_whole(unit: str) -> None:
    # 200 KB took over two minutes with the regexes; a linear scan takes well under a second.
    text = unit * 50_000
    assert inline(text) == inline(unit * 1_000) * 50


def test_a_table_marks_exactly_the_asked_cell() -> None:
    source = SourceRef(TextSource("s", "S", None, None))
    columns = (Column("a", "*A*"), Column("b", "B"))
    rows = (
        Row("r1", "R1", (Cell("**x**", source), None)),
        Row("r2", "R2", (Cell("y", source), Cell("z & w", source))),
    )
    table = Comparison("t", "T", columns, rows, "", (), Position("t.yaml", 1, 1))
    plain = table_html(table, None, None)
    assert plain == (
        '<table class="lmn-table"><thead><tr><th></th><th><i>A</i></th><th>B</th></tr></thead>'
        '<tbody><tr><th scope="row">R1</th><td><b>x</b></td><td>—</td></tr>'
        '<tr><th scope="row">R2</th><td>y</td><td>z &amp; w</td></tr></tbody></table>'
    )
    marked = table_html(table, "r2", "b")
    assert marked == plain.replace("<td>z", '<td class="lmn-asked">z')
