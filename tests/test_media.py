"""Images on the back of facts, list facts, basic cards and comparisons: checked at the `image:`
value, packaged under content-addressed names, and what Anki's own backend stores and renders."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from lmndeck.cli import main as cli
from lmndeck.media import MAX_IMAGE_BYTES, svg_problem
from lmndeck.pipeline import Plan, build
from tests.anki_client import AnkiCollection
from tests.browser import anki_card, probe
from tests.conftest import WriteCards

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "before-restructure"

CARDS = """\
deck: Images
sources: {text: {title: Atlas}}
source: text
facts:
  - id: reflex
    text: The {{knee jerk}} tests L3-L4.
    image: figures/knee.png
  - id: signs
    text: LMN signs
    list: [Weakness, Atrophy]
    image: figures/knee.png
  - id: babinski
    front: Babinski sign?
    back: Upgoing toe
    extra: In UMN lesions.
    image: figures/toe.svg
  - id: plain
    text: A fact without an {{image}}.
comparisons:
  - id: lesions
    title: LMN vs UMN
    image: figures/table.gif
    columns: {lmn: LMN, umn: UMN}
    rows:
      - {feature: Tone, lmn: Reduced, umn: Increased}
"""

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<style>rect { fill: #c00 }</style><rect width="10" height="10"/></svg>'
)
GIF = b"GIF89a" + b"\x01\x00\x01\x00\x00\x00\x00;"


def png(width: int = 1, height: int = 1, shade: int = 0) -> bytes:
    """A real (decodable) grey PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + bytes([shade]) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def name_of(data: bytes, suffix: str) -> str:
    return f"lmndeck-{hashlib.sha256(data).hexdigest()[:16]}.{suffix}"


@pytest.fixture
def cards(write_cards: WriteCards) -> Path:
    directory = write_cards(CARDS)
    figures = directory / "figures"
    figures.mkdir()
    (figures / "knee.png").write_bytes(png())
    (figures / "toe.svg").write_bytes(SVG)
    (figures / "table.gif").write_bytes(GIF)
    return directory


def media_folder(collection: AnkiCollection) -> Path:
    return Path(collection.col.media.dir())


def test_images_reach_anki_media_folder_and_every_back_shows_them(
    cards: Path, tmp_path: Path, collection: AnkiCollection
) -> None:
    _, apkg = build(cards, tmp_path / "deck.apkg")
    log = collection.import_package(apkg)
    # two facts, a list fact, a basic card, two cells and their two discrimination cards
    assert (log.new, log.conflicting) == (8, 0)
    knee, toe, table = name_of(png(), "png"), name_of(SVG, "svg"), name_of(GIF, "gif")
    folder = media_folder(collection)
    assert (folder / knee).read_bytes() == png()
    assert (folder / toe).read_bytes() == SVG
    assert (folder / table).read_bytes() == GIF
    rendered = collection.cards()
    assert all("<img" not in card.question for card in rendered)  # on the back only
    shown = {name for card in rendered for name in re.findall(r'<img src="([^"]+)"', card.answer)}
    assert shown == {knee, toe, table}
    table_backs = [card.answer for card in rendered if "LMN vs UMN" in card.question]
    assert len(table_backs) == 4 and all(f'src="{table}"' in back for back in table_backs)
    plain = [card for card in collection.cards() if "without an" in card.question]
    assert plain and "<img" not in plain[0].answer


def test_the_package_is_deterministic_with_one_file_per_image(cards: Path, tmp_path: Path) -> None:
    _, first = build(cards, tmp_path / "one.apkg")
    _, second = build(cards, tmp_path / "two.apkg")
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as package:
        media = json.loads(package.read("media"))
        assert list(media) == ["0", "1", "2"]
        assert list(media.values()) == sorted(media.values())  # knee.png is used twice, once here
        assert {package.read(number) for number in media} == {png(), SVG, GIF}
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_a_changed_image_reaches_the_collection_under_a_new_name_and_keeps_reviews(
    cards: Path, tmp_path: Path, collection: AnkiCollection, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, apkg = build(cards, tmp_path / "deck.apkg")
    collection.import_package(apkg)
    for card in collection.cards():
        collection.review(card.id)
    (cards / "figures" / "knee.png").write_bytes(png(2, 2, 200))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767312000")
    runner = CliRunner()
    check = runner.invoke(cli, ["build", "--check", str(cards), "-o", str(apkg)])
    assert check.exit_code == 1 and "error[lock-out-of-date]" in check.output
    diff = runner.invoke(cli, ["diff", str(cards)])
    assert "fact/reflex" in diff.output and "fact/signs" in diff.output
    _, apkg = build(cards, apkg)
    log = collection.import_package(apkg)
    assert (log.new, log.updated, log.conflicting) == (0, 2, 0)
    new_name = name_of(png(2, 2, 200), "png")
    assert (media_folder(collection) / new_name).read_bytes() == png(2, 2, 200)
    reflex = [card for card in collection.cards() if "knee jerk" in card.answer]
    assert f'<img src="{new_name}"' in reflex[0].answer
    assert new_name in collection.note(reflex[0].note_id)["Extra"]
    assert all(collection.reps(card.id) == 1 for card in collection.cards())


EXTRA = "    extra: The muscle is **flaccid**.\n"


def test_a_deck_built_before_images_updates_in_place_when_a_fact_gets_one(
    tmp_path: Path, collection: AnkiCollection, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = collection.import_package(FIXTURE / "deck.apkg")
    assert first.conflicting == 0
    for card in collection.cards():
        collection.review(card.id)
    note_types = collection.note_type_names()
    cards = shutil.copytree(FIXTURE / "cards", tmp_path / "cards")
    (cards / "figures").mkdir()
    (cards / "figures" / "arc.png").write_bytes(png())
    signs = cards / "signs.yaml"
    text = signs.read_text(encoding="utf-8")
    signs.write_text(
        text.replace(EXTRA, EXTRA + "    image: figures/arc.png\n"),
        encoding="utf-8",
    )
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1_767_312_000 + 86_400))
    _, apkg = build(cards, tmp_path / "dist" / "deck.apkg")
    log = collection.import_package(apkg)
    # the fact, and the 4 comparison notes whose first field now names their cell
    assert (log.new, log.updated, log.conflicting) == (0, 5, 0)
    assert collection.note_type_names() == note_types  # no "lmndeck cloze+"
    assert (media_folder(collection) / name_of(png(), "png")).exists()
    assert all(collection.reps(card.id) == 1 for card in collection.cards())
    assert any(name_of(png(), "png") in card.answer for card in collection.cards())


def test_the_preview_shows_images_inline(cards: Path, tmp_path: Path) -> None:
    page = tmp_path / "preview.html"
    result = CliRunner().invoke(
        cli, ["preview", str(cards), "-o", str(page), "--renderer", "builtin"]
    )
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert "data:image/png;base64," in html and "data:image/svg+xml;base64," in html
    assert name_of(png(), "png") not in html


def test_a_wide_image_fits_a_phone(cards: Path, tmp_path: Path, collection: AnkiCollection) -> None:
    (cards / "figures" / "knee.png").write_bytes(png(2000, 40))
    _, apkg = build(cards, tmp_path / "deck.apkg")
    collection.import_package(apkg)
    card = next(card for card in collection.cards() if "knee jerk" in card.answer)
    (card_id,) = collection.col.find_cards(f"cid:{card.id}")
    output = collection.col.get_card(card_id).render_output()
    wide = "data:image/png;base64," + base64.b64encode(png(2000, 40)).decode()
    back = output.answer_text.replace(name_of(png(2000, 40), "png"), wide)
    frame = anki_card(back, output.css, night=True)
    page = (
        "<!doctype html><html><head></head><body style=margin:0>"
        '<iframe id="card" style="width:360px;height:800px;border:0" srcdoc="'
        + frame.replace("&", "&amp;").replace('"', "&quot;")
        + '"></iframe></body></html>'
    )
    measured = probe(
        page,
        """const doc = document.getElementById("card").contentDocument;
        const image = doc.querySelector("img");
        return {natural: image.naturalWidth, width: image.getBoundingClientRect().width,
                scroll: doc.documentElement.scrollWidth, client: doc.documentElement.clientWidth};""",
    )
    value = measured.value
    assert value["natural"] == 2000  # it did load
    assert value["width"] <= value["client"] <= 360
    assert value["scroll"] <= value["client"]


SVG_NS = b"http://www.w3.org/2000/svg"
SMIL = (
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
    b'<a href="#a"><%s dur="1s"/><text id="a">x</text></a></svg>'
)
BAD = [
    ("missing.png", None, "image-not-found"),
    ("../outside.png", None, "image-outside-cards"),
    ("/etc/hostname", None, "image-outside-cards"),
    ("link.png", "link-out", "image-outside-cards"),
    ("notes.png", b"just text, not an image", "not-an-image"),
    ("big.png", b"big", "image-too-large"),
    ("evil.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "unsafe-svg"),
    # a processing instruction loads a style sheet (XSLT can script), before the root or in it
    (
        "pi.svg",
        b'<?xml-stylesheet href="https://x.org/a.xsl"?><svg xmlns="%s"/>' % SVG_NS,
        "unsafe-svg",
    ),
    ("pi-in.svg", b'<svg xmlns="%s"><?xml-stylesheet href="a.css"?></svg>' % SVG_NS, "unsafe-svg"),
    # an animation sets an attribute: its values are checked as that attribute's would be
    (
        "smil-values.svg",
        SMIL % b'animate attributeName="href" values="#a;https://x.org/"',
        "unsafe-svg",
    ),
    ("smil-to.svg", SMIL % b'set attributeName="x:href" to="//x.org/b.png"', "unsafe-svg"),
    ("smil-from.svg", SMIL % b'animate attributeName="href" from=" http://x.org/"', "unsafe-svg"),
]


@pytest.mark.parametrize(("written", "content", "code"), BAD, ids=[code for *_, code in BAD])
def test_a_bad_image_is_an_error_at_its_value(
    write_cards: WriteCards,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    written: str,
    content: bytes | str | None,
    code: str,
) -> None:
    cards = write_cards(
        "deck: D\nsources: {t: {title: T}}\nsource: t\nfacts:\n"
        f"  - id: a\n    text: '{{{{x}}}} y'\n    image:   {written}\n"
    )
    (tmp_path / "outside.png").write_bytes(png())
    if content == "link-out":
        (cards / written).symlink_to(tmp_path / "outside.png")
    elif content == b"big":
        (cards / written).write_bytes(png() + b"\x00" * MAX_IMAGE_BYTES)
    elif isinstance(content, bytes):
        (cards / written).write_bytes(content)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["build"])
    assert result.exit_code == 1
    assert f"cards/demo.yaml:7:14: error[{code}]:" in result.output
    assert "\n  hint: " in result.output
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize(
    ("svg", "problem"),
    [
        (SVG, None),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "<script>"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>', "<foreignObject>"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"/></svg>', "links"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
            b'<image x:href="https://example.org/a.png"/></svg>',
            "links",
        ),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import "x.css";</style></svg>', "style"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><set attributeName="href" '
            b'to="javascript:alert(1)"/></svg>',
            "runs",
        ),
        (b'<!DOCTYPE s [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg"/>', "entities"),
        (b"<svg><rect/></svg>", "namespace"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>', "well-formed"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', None),
        (b'<?xml-stylesheet href="a.css"?><svg xmlns="%s"/>' % SVG_NS, "processing instruction"),
        (SMIL % b'animate attributeName="href" values="#a;https://x.org/"', "links"),
        (SMIL % b'animate attributeName="href" values="#a; #b"', None),
        (SMIL % b'animate attributeName="fill" values="url(https://x.org/f)"', "loads"),
        (SMIL % b'animate attributeName="fill" values="red;blue"', None),
    ],
)
def test_only_static_svg_passes(svg: bytes, problem: str | None) -> None:
    found = svg_problem(svg)
    assert (found is None) if problem is None else (found is not None and problem in found)


def test_an_image_link_inside_the_cards_directory_is_fine(cards: Path, tmp_path: Path) -> None:
    os.symlink("knee.png", cards / "figures" / "alias.png")
    text = (cards / "demo.yaml").read_text(encoding="utf-8")
    (cards / "demo.yaml").write_text(text.replace("figures/knee.png", "figures/alias.png", 1))
    plan_result, _ = build(cards, tmp_path / "deck.apkg")
    assert isinstance(plan_result, Plan)
    assert [image.data for image in plan_result.contents.media].count(png()) == 1
