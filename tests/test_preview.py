"""`lmndeck preview`: one self-contained HTML page of every card, rendered by Anki itself (or by
the built-in renderer without the anki package), that writes nothing of the project; and the
page itself, driven in headless Chromium (tests/browser.py)."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lmndeck.cli import main
from lmndeck.pipeline import plan
from lmndeck.preview import (
    NoteType,
    PackageNote,
    Preview,
    page_html,
    preview,
    render_card,
    reveal_cloze,
)
from tests.anki_client import visible
from tests.browser import probe
from tests.conftest import SAMPLE, WriteCards

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = plan(ROOT / "cards")  # the shipped deck's counts, whatever cards it has
CARDS = dict(SHIPPED.cards_by_kind)
TOTAL = sum(CARDS.values())
DECK = "neurology-motor-neuron-lesions"

# Characters that Anki escapes in its data-cloze attribute, and text that is markup-like.
SPECIAL = """\
deck: Special
sources: {text: {title: "A & B <notes>"}}
source: text
facts:
  - id: symbols
    text: 'If a < b & "c" then {{a < b & "c"}} or {{Café ✓ ''x''::which one? <hint>}} follows.'
    extra: Ünïcode \u2013 and *italic*
  - id: same-label
    text: "{{@both left}} and {{@both right}} share a card; {{*middle* > 1}} does not."
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of this repository's cards and built deck, as the working directory."""
    shutil.copytree(ROOT / "cards", tmp_path / "cards")
    shutil.copytree(ROOT / "dist", tmp_path / "dist", ignore=shutil.ignore_patterns("*.html"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file below ``root``: its bytes and modification time."""
    return {
        str(path.relative_to(root)): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def cards_of(shown: Preview) -> list[tuple[str, str, str, str]]:
    """(note key, card label, question, answer) of every card of a preview."""
    return [
        (note.key, card.label, card.question, card.answer)
        for deck in shown.decks
        for note in deck.notes
        for card in note.cards
    ]


@pytest.fixture(scope="module")
def shipped() -> dict[str, Preview]:
    """The shipped deck's preview by each renderer."""
    return {renderer: preview(ROOT / "cards", renderer) for renderer in ("anki", "builtin")}


# --- The command ------------------------------------------------------------------------------


def test_preview_writes_the_page_next_to_the_deck_and_nothing_of_the_project(
    project: Path,
) -> None:
    before = snapshot(project)
    result = CliRunner().invoke(main, ["preview"])
    assert result.exit_code == 0, result.output
    page = project / "dist" / f"{DECK}-preview.html"
    assert result.output.startswith(
        f"Wrote dist/{DECK}-preview.html: {TOTAL} cards in {SHIPPED.live_notes} notes, "
    )
    after = snapshot(project)
    assert after.pop(f"dist/{DECK}-preview.html")[0] == page.read_bytes()
    assert after == before  # the lock, the cards and the deck: same bytes, same times, no others
    text = page.read_text(encoding="utf-8")
    assert "Rendered by Anki " in text
    # Self-contained: nothing is fetched from anywhere.
    assert not re.search(r"<(?:link|img|iframe)[^>]*\b(?:src|href)=|<script[^>]+src=", text)
    assert "url(" not in text and "@import" not in text


def test_a_preview_of_edited_cards_shows_the_edit_and_leaves_the_old_lock(project: Path) -> None:
    cards = project / "cards" / "1-lmn-vs-umn.yaml"
    cards.write_text(
        cards.read_text(encoding="utf-8").replace("Lower motor neurons", "Lower motor neurones"),
        encoding="utf-8",
    )
    before = snapshot(project)
    result = CliRunner().invoke(main, ["preview", "-o", "-"])
    assert result.exit_code == 0, result.output
    assert "Lower motor neurones" in result.output
    assert snapshot(project) == before  # the out-of-date lock is not updated, nothing is written


def test_dash_writes_the_page_to_standard_output(project: Path) -> None:
    result = CliRunner().invoke(main, ["preview", "cards", "-o", "-"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("<!doctype html>")
    assert result.output == page_html(preview(Path("cards")))
    assert not list((project / "dist").glob("*.html"))


def launcher(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str) -> Path:
    """A fake xdg-open (and open) first on PATH; it writes its argument to 'opened'."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("xdg-open", "open"):
        fake = bin_dir / name
        fake.write_text(f'#!/bin/sh\necho "$1" > "{tmp_path}/opened"\n{script}\n')
        fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return tmp_path / "opened"


def test_open_launches_the_written_page(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = launcher(tmp_path, monkeypatch, "exit 0")
    result = CliRunner().invoke(main, ["preview", "-o", "out/page.html", "--open"])
    assert result.exit_code == 0, result.output
    assert opened.read_text().strip() == "out/page.html"
    assert (project / "out" / "page.html").is_file()


def test_open_without_a_browser_says_where_the_page_is(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    launcher(tmp_path, monkeypatch, "echo 'xdg-open: no method available' >&2\nexit 3")
    result = CliRunner().invoke(main, ["preview", "-o", "out/page.html", "--open"])
    assert result.exit_code == 1
    page = (project / "out" / "page.html").resolve()
    assert result.stderr.strip().endswith(f"open the page by hand: {page.as_uri()}")
    assert "no method available" not in result.output  # the launcher's noise is not shown
    assert page.is_file()


def test_open_needs_a_file(project: Path) -> None:
    result = CliRunner().invoke(main, ["preview", "-o", "-", "--open"])
    assert result.exit_code == 2
    assert "--open needs a file" in result.output


@pytest.mark.parametrize("target", ["cards/lmndeck.lock", "cards/page.yaml"])
def test_the_page_may_not_replace_the_lock_or_become_a_cards_file(
    project: Path, target: str
) -> None:
    before = snapshot(project)
    result = CliRunner().invoke(main, ["preview", "-o", target])
    assert result.exit_code == 1
    assert result.output.startswith(
        f"{target}:1:1: error[output-in-cards]: the preview would overwrite"
    )
    assert snapshot(project) == before


def test_a_content_problem_is_reported_like_a_build_does(write_cards: WriteCards) -> None:
    cards = write_cards("deck: Broken\nfacts:\n  - id: a\n    text: no deletion\n")
    result = CliRunner().invoke(main, ["preview", str(cards), "-o", "-"])
    built = CliRunner().invoke(main, ["build", str(cards)])
    assert result.exit_code == built.exit_code == 1
    assert "demo.yaml:4:11: error[no-deletion]:" in result.output
    assert result.output == built.output
    assert "<!doctype" not in result.output


def test_without_anki_the_builtin_renderer_is_used_and_said_so(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "anki", None)  # import anki now fails, as when not installed
    monkeypatch.setitem(sys.modules, "anki.buildinfo", None)
    result = CliRunner().invoke(main, ["preview", "-o", "-"])
    assert result.exit_code == 0, result.output
    assert "Rendered by lmndeck&#x27;s built-in renderer" in result.output
    forced = CliRunner().invoke(main, ["preview", "-o", "-", "--renderer", "anki"])
    assert forced.exit_code == 1
    assert "the 'anki' package is not installed" in forced.output
    assert "pip install -e '.[preview]' in lmndeck's folder" in forced.output


def test_removed_notes_are_counted_not_shown(write_cards: WriteCards, tmp_path: Path) -> None:
    cards = write_cards()
    built = CliRunner().invoke(main, ["build", str(cards), "-o", str(tmp_path / "deck.apkg")])
    assert built.exit_code == 0, built.output
    write_cards(re.sub(r"  - id: babinski\n(    .*\n)*", "", SAMPLE))
    shown = preview(cards)
    assert "fact/babinski" not in [note.key for deck in shown.decks for note in deck.notes]
    assert shown.removed_notes == 1
    assert "; 1 removed note not shown." in page_html(shown)


# --- The built-in renderer against Anki's own --------------------------------------------------


def test_anki_renders_the_shipped_deck_and_the_preview_counts_every_card(
    shipped: dict[str, Preview],
) -> None:
    result = plan(ROOT / "cards")
    expected = sum(count for _, count in result.cards_by_kind)
    for shown in shipped.values():
        assert shown.card_count == expected
        assert shown.note_count == result.live_notes
        assert [deck.name.split("::")[-1] for deck in shown.decks] == [
            "LMN vs UMN lesions",
            "Poliomyelitis and SMA",
            "Bell palsy and facial palsy",
        ]
    assert shipped["anki"].renderer.startswith("Anki ")
    assert shipped["builtin"].renderer.startswith("lmndeck's built-in renderer")


def test_the_builtin_renderer_shows_exactly_what_anki_shows_for_the_shipped_deck(
    shipped: dict[str, Preview],
) -> None:
    """Not only the visible text: the HTML is the same, character for character."""
    anki, builtin = cards_of(shipped["anki"]), cards_of(shipped["builtin"])
    assert [visible(side) for card in builtin for side in card[2:]] == [
        visible(side) for card in anki for side in card[2:]
    ]
    assert builtin == anki
    assert shipped["builtin"].styles == shipped["anki"].styles


def test_the_builtin_renderer_matches_anki_on_escaped_and_unicode_text(
    write_cards: WriteCards,
) -> None:
    cards = write_cards(SPECIAL)
    anki, builtin = preview(cards, "anki"), preview(cards, "builtin")
    assert cards_of(builtin) == cards_of(anki)
    fronts = [card[2] for card in cards_of(anki)]
    assert "[which one? &lt;hint&gt;]" in fronts[1]


def test_sections_follow_ankis_rule_for_an_empty_field() -> None:
    template = "{{Front}}{{#Extra}}+{{Extra}}{{/Extra}}{{^Extra}}none{{/Extra}}"
    note_type = NoteType("t", False, ("Front", "Extra"), (("Card", template, _BACK),), "")
    empty = PackageNote("g", note_type, {"Front": "Q", "Extra": " <br> "}, (), "D", (0,))
    assert render_card(empty, 0) == ("Qnone", "Qnone<hr id=answer>  ")
    full = PackageNote("g", note_type, {"Front": "Q", "Extra": "<b>x</b>"}, (), "D", (0,))
    assert render_card(full, 0) == ("Q+<b>x</b>", "Q+<b>x</b><hr id=answer>x")


_BACK = "{{FrontSide}}<hr id=answer>{{ text: Extra }}"


def test_a_cloze_is_hidden_on_the_question_and_marked_on_the_answer() -> None:
    text = "{{c1::alpha}} and {{c2::gamma::which?}} and {{c1::beta}}"
    assert reveal_cloze(text, 1, question=True) == (
        '<span class="cloze" data-cloze="alpha" data-ordinal="1">[...]</span> and '
        '<span class="cloze-inactive" data-ordinal="2">gamma</span> and '
        '<span class="cloze" data-cloze="beta" data-ordinal="1">[...]</span>'
    )
    assert reveal_cloze(text, 2, question=True).count("[which?]") == 1
    assert reveal_cloze(text, 2, question=False) == (
        '<span class="cloze-inactive" data-ordinal="1">alpha</span> and '
        '<span class="cloze" data-ordinal="2">gamma</span> and '
        '<span class="cloze-inactive" data-ordinal="1">beta</span>'
    )


# --- The page in a browser ----------------------------------------------------------------------

# Run in the loaded page: what a reader sees and what the controls do. Returns JSON.
DRIVE = """
const frame = document.getElementById("lmn-screen"), doc = frame.contentDocument;
const win = doc.defaultView, style = el => win.getComputedStyle(el);
const views = [...doc.querySelectorAll(".lmn-card-view")];
// Notes out of sight are laid out only when scrolled to (content-visibility: auto), and until
// then have no innerText: lay them all out, as if the reader scrolled through them.
for (const note of doc.querySelectorAll(".lmn-note")) note.style.contentVisibility = "visible";
const roots = view => [...view.querySelectorAll(".lmn-card-side")].map(host => host.shadowRoot);
const rendered = el => el.getClientRects().length > 0;
const click = id => document.getElementById(id).click();
function texts(root, selector) { return [...root.querySelectorAll(selector)].map(e => e.innerText); }
function pairs(root) {
  const dl = root.querySelector(".lmn-pairs");
  return dl && {display: style(dl).display, height: dl.getBoundingClientRect().height,
                dt: dl.querySelectorAll("dt").length, dd: dl.querySelectorAll("dd").length};
}
const cards = views.map(view => {
  const [front, back] = roots(view);
  return {label: view.dataset.label, front: front.querySelector("#qa").innerText,
          back: back.querySelector("#qa").innerText, frontCloze: texts(front, ".cloze"),
          backCloze: texts(back, ".cloze"), pairs: pairs(back)};
});
const firstCard = roots(views[0])[0].querySelector(".card");
const day = {card: style(firstCard).backgroundColor, cloze: style(roots(views[0])[1]
  .querySelector(".cloze")).color, page: style(doc.body).backgroundColor};
click("lmn-night");
const night = {card: style(firstCard).backgroundColor, cloze: style(roots(views[0])[1]
  .querySelector(".cloze")).color, page: style(doc.body).backgroundColor};
click("lmn-night");
const search = document.getElementById("lmn-search");
function find(query) {
  search.value = query;
  search.dispatchEvent(new Event("input"));
  const shown = views.filter(rendered);
  return {count: shown.length, said: document.getElementById("lmn-shown").textContent,
          none: rendered(doc.querySelector(".lmn-none")),
          texts: shown.map(view => [view.closest(".lmn-note").querySelector(".lmn-note-head"),
            ...roots(view).map(r => r.querySelector("#qa"))].map(e => e.innerText).join(" "))};
}
const searches = {babinski: find("Babinski"), two: find("spastic umn"), nothing: find("zzqx"),
                  all: find("")};
click("lmn-phone");
const width = doc.documentElement.clientWidth, overflowing = [];
for (const view of views) for (const root of roots(view)) for (const el of root.querySelectorAll("*")) {
  const box = el.getBoundingClientRect();
  if (box.width > 0 && (box.right > width + 0.5 || box.left < -0.5)) {
    overflowing.push(`${view.dataset.label} ${el.tagName} ${Math.round(box.left)}..${Math.round(box.right)}`);
  }
}
const phone = {frame: frame.clientWidth, client: width, scroll: doc.documentElement.scrollWidth,
               overflowing, pairs: views.map(view => pairs(roots(view)[1])).filter(Boolean)};
return {cards, day, night, searches, phone};
"""


Driven = dict[str, Any]  # what DRIVE returned: JSON


@pytest.fixture(scope="module")
def driven(shipped: dict[str, Preview]) -> Driven:
    """The page of Anki's rendering; the built-in renderer's cards are the same HTML (tested
    above), so its page differs only in the line naming the renderer."""
    result = probe(page_html(shipped["anki"]), DRIVE)
    assert result.errors == ()  # no script error, no console error or warning
    value: Driven = result.value
    return value


def test_the_page_shows_every_card_of_the_deck(driven: Driven) -> None:
    assert len(driven["cards"]) == TOTAL


def test_fronts_hide_the_deletions_and_backs_show_them(driven: Driven) -> None:
    cloze = [card for card in driven["cards"] if card["backCloze"]]
    assert len(cloze) == CARDS.get("cloze", 0) + CARDS.get("list", 0)  # a list item is a deletion
    for card in cloze:
        assert all(re.fullmatch(r"\[.*\]", shown) for shown in card["frontCloze"]), card
        # A hint may offer the answer as a choice ("[UMN or LMN?]"); the rest may not show it.
        front = re.sub(r"\[[^\]]*\]", "", card["front"]).casefold()
        for answer in card["backCloze"]:  # as whole words: the answer "I" is in any sentence
            assert not re.search(rf"\b{re.escape(answer.casefold())}\b", front), card


def test_comparison_cards_render_their_row_as_a_table(driven: Driven) -> None:
    tables = [card["pairs"] for card in driven["cards"] if card["pairs"]]
    assert len(tables) == CARDS["comparison"] + CARDS.get("discrimination", 0)  # both show the row
    for pairs in tables:
        assert pairs["display"] == "grid" and pairs["height"] > 0
        assert pairs["dt"] == pairs["dd"] >= 2
    assert not any("<dt" in card["back"] or "{{" in card["front"] for card in driven["cards"])


def test_night_mode_applies_the_note_types_night_colours(driven: Driven) -> None:
    day, night = driven["day"], driven["night"]
    assert day["card"] == "rgb(255, 255, 255)" and night["card"] == "rgb(30, 30, 32)"
    assert day["cloze"] != night["cloze"] and day["page"] != night["page"]


def test_the_search_box_filters_the_cards(driven: Driven) -> None:
    searches = driven["searches"]
    babinski, both = searches["babinski"], searches["two"]
    assert 0 < babinski["count"] < TOTAL
    assert babinski["said"] == f"{babinski['count']} of {TOTAL} cards"
    assert all("babinski" in text.lower() for text in babinski["texts"])
    assert 0 < both["count"] < TOTAL
    assert all("spastic" in t.lower() and "umn" in t.lower() for t in both["texts"])
    assert searches["nothing"]["count"] == 0 and searches["nothing"]["none"]
    assert searches["all"]["count"] == TOTAL and not searches["all"]["none"]


def test_phone_width_is_a_360_px_frame_without_sideways_scrolling(
    driven: Driven,
) -> None:
    phone = driven["phone"]
    assert phone["frame"] == phone["client"] == 360
    assert phone["scroll"] == 360
    assert phone["overflowing"] == []
    # The note type's own phone layout applies: a row stacks into blocks below 600 px.
    assert {pairs["display"] for pairs in phone["pairs"]} == {"block"}
