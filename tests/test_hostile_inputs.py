"""Hostile and careless input: never a crash, a hang or a misleading message.

Every case is built through the CLI in a project that already has a good build, with both YAML
parsers (libyaml's and the pure-Python one), and must fail with exit 1, name the cards file and
the exact line:column, give a hint, print no traceback and leave the previous deck and lock
byte-identical. The cards-file cases are the files of tests/hostile/, each starting with
``# expect: LINE:COL message`` (and ``# expect-libyaml:`` where libyaml stops earlier).
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lmndeck import loader
from lmndeck.cli import main
from lmndeck.kinds.cloze import ClozeFact, facts
from lmndeck.project import load_project
from tests.anki_client import AnkiCollection
from tests.conftest import SAMPLE

CORPUS = Path(__file__).parent / "hostile"
REPO_CARDS = Path(__file__).parent.parent / "cards"
DECK = Path("dist/neurology-demo.apkg")
LOCK = Path("cards/lmndeck.lock")
EXPECT = re.compile(r"# expect(-libyaml)?: (\d+):(\d+) (.*)")
LOADERS = {"libyaml": getattr(yaml, "CSafeLoader", yaml.SafeLoader), "python": yaml.SafeLoader}
EXAMPLES = 25 if os.environ.get("CI") else 150


@pytest.fixture(params=sorted(LOADERS))
def yaml_loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test once with each YAML parser: the same cards must give the same result."""
    name: str = request.param
    monkeypatch.setattr(loader, "_Loader", LOADERS[name])
    return name


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with a good build (deck and lock), copied by each test."""
    project = tmp_path_factory.mktemp("good")
    (project / "cards").mkdir()
    (project / "cards" / "demo.yaml").write_text(SAMPLE, encoding="utf-8")
    previous = Path.cwd()
    os.chdir(project)
    try:
        assert run("build").exit_code == 0
    finally:
        os.chdir(previous)
    return project


@pytest.fixture
def project(built_once: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(built_once, copy, symlinks=True)
    monkeypatch.chdir(copy)
    return copy


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def assert_refused(project: Path, where: str, message: str) -> None:
    """Exit 1 with ``where: error: message`` and a hint; the previous build untouched."""
    deck, lock = (project / DECK).read_bytes(), (project / LOCK).read_bytes()
    result = run("build")
    assert result.exit_code == 1, result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert re.search(rf"{re.escape(where)}: error\[[a-z0-9-]+\]: ", result.output), result.output
    assert message in result.output, result.output
    assert "\n  hint: " in result.output, result.output
    assert (project / DECK).read_bytes() == deck
    assert (project / LOCK).read_bytes() == lock


def expectation(case: Path, parser: str) -> tuple[str, str]:
    """(line:col, message) from the case's first lines, the libyaml one where it differs."""
    found = {}
    for line in case.read_bytes().decode("utf-8", "surrogatepass").splitlines()[:2]:
        match = EXPECT.match(line)
        if match:
            found[bool(match[1])] = (f"{match[2]}:{match[3]}", match[4])
    libyaml_differs = parser == "libyaml" and True in found
    return found[True] if libyaml_differs else found[False]


@pytest.mark.parametrize("case", sorted(CORPUS.glob("*.yaml")), ids=lambda path: path.stem)
def test_hostile_cards_file(case: Path, project: Path, yaml_loader: str) -> None:
    shutil.copy(case, project / "cards" / "hostile.yaml")
    place, message = expectation(case, yaml_loader)
    assert_refused(project, f"cards/hostile.yaml:{place}", message)


def test_the_corpus_is_broad() -> None:
    assert len(list(CORPUS.glob("*.yaml"))) + len(BYTES) + len(TREES) >= 60


# Cases that cannot carry their expectation in a comment: bytes that are not text.
BYTES = {
    "invalid-utf8": (b"deck: D\xc3\xa9\nfacts: [\xff]\n", "2:9", "the file is not valid UTF-8"),
    "latin-1": ("deck: Démo\n".encode("latin-1"), "1:8", "not valid UTF-8 (byte 0xe9)"),
    "png": (b"\x89PNG\r\n\x1a\n\x00\x00", "1:1", "not valid UTF-8 (byte 0x89)"),
    "ascii-controls": (b"deck: D\r\n\x1a\n\x00", "2:1", "U+001A (a control character)"),
    "utf-16": ("deck: D\n".encode("utf-16"), "1:1", "not valid UTF-8 (byte 0xff)"),
    "nul-bytes": (b"\x00" * 4096, "1:1", "U+0000 (NUL)"),
}


@pytest.mark.parametrize("case", sorted(BYTES))
def test_hostile_bytes(case: str, project: Path, yaml_loader: str) -> None:
    data, place, message = BYTES[case]
    (project / "cards" / "bytes.yaml").write_bytes(data)
    assert_refused(project, f"cards/bytes.yaml:{place}", message)


def test_a_file_full_of_control_characters_gives_a_few_problems(project: Path) -> None:
    (project / "cards" / "bytes.yaml").write_bytes(b"\x01" * 100_000)
    result = run("check")
    assert result.output.count("error[forbidden-character]:") == loader._REPORTED_CHARACTERS


# Cases about the files themselves: each makes the problem and names where it is reported.
Setup = Callable[[Path], str]


def link(name: str, target: str) -> Setup:
    def setup(cards: Path) -> str:
        (cards / name).parent.mkdir(exist_ok=True)
        (cards / name).symlink_to(target)
        return f"cards/{name}:1:1"

    return setup


def cards_file(name: bytes) -> Setup:
    """A file whose only error (line 2, column 23) proves it was read."""

    def setup(cards: Path) -> str:
        (cards / os.fsdecode(name)).write_text("deck: D\nfacts: [{id: x, text: none}]\n")
        return f"cards/{name.decode('utf-8', 'backslashreplace')}:2:23"

    return setup


def pipe(cards: Path) -> str:
    os.mkfifo(cards / "pipe.yaml")  # reading it would wait forever
    return "cards/pipe.yaml:1:1"


def deep_tree(cards: Path) -> str:
    """Deeper than PATH_MAX (4096 bytes): the first directory that cannot be opened is named."""
    name, reported = "d" * 60, "cards"
    os.chdir(cards)
    try:
        for _ in range(70):  # made one level at a time: its full path is too long to mkdir
            os.mkdir(name)
            os.chdir(name)
    finally:
        os.chdir(cards.parent)
    while len(reported) < 4096:
        reported += "/" + name
    return f"{reported}:1:1"


READ = "a cloze fact needs at least one deletion"  # the error inside proves it was read
TREES: dict[str, tuple[Setup, str]] = {
    "dangling-link": (link("gone.yaml", "nowhere.yaml"), "points to a file that does not exist"),
    "link-to-itself": (link("self.yaml", "self.yaml"), "Too many levels of symbolic links"),
    "directory-loop": (link("sub/up", ".."), "reached a second time, through a symbolic link"),
    "pipe": (pipe, "not a regular file"),
    "upper-case-suffix": (cards_file(b"LOUD.YAML"), READ),
    "yml-suffix": (cards_file(b"short.Yml"), READ),
    "undecodable-name": (cards_file(b"caf\xe9.yaml"), READ),
    "deep-tree": (deep_tree, "cannot read the directory: File name too long"),
}


@pytest.mark.parametrize("case", sorted(TREES))
def test_every_candidate_file_is_read_or_reported(case: str, project: Path) -> None:
    setup, message = TREES[case]
    assert_refused(project, setup(project / "cards"), message)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
@pytest.mark.parametrize("what", ["directory", "file"])
def test_unreadable_files_and_directories_are_reported(what: str, project: Path) -> None:
    target = project / "cards" / ("locked" if what == "directory" else "locked.yaml")
    if what == "directory":
        target.mkdir()
    else:
        target.write_text(SAMPLE)
    target.chmod(0)
    try:
        assert_refused(project, f"cards/{target.name}:1:1", f"cannot read the {what}")
    finally:
        target.chmod(0o700)


@pytest.mark.parametrize("typed", ["~", "null", "Null", "NULL", "yes", "1995", "08:09", "''"])
def test_values_are_text_as_typed_with_either_parser(
    typed: str, write_cards: Callable[..., Path], yaml_loader: str
) -> None:
    text = SAMPLE.replace("extra: Twitching of muscle fibres under the skin.", f"extra: {typed}")
    fact = facts(load_project(write_cards(text)).files[0])[0]
    assert isinstance(fact, ClozeFact)
    assert fact.extra == ("" if typed == "''" else typed)


def test_only_an_empty_value_is_empty(write_cards: Callable[..., Path], yaml_loader: str) -> None:
    text = SAMPLE.replace("extra: Twitching of muscle fibres under the skin.", "extra:")
    assert facts(load_project(write_cards(text)).files[0])[0].extra == ""


ODD_BUT_ALLOWED = (
    "tab\there, emoji 🧠🫀, RTL עברית العربية, combining e\u0301 and n\u0303, "
    "no-break\u00a0space, zero\u200bwidth, joiner 👩\u200d⚕️, BOM\ufeffinside, "
    "math \U0001d538, CJK 神経"
)


def test_every_allowed_odd_character_builds_and_imports(
    write_cards: Callable[..., Path], tmp_path: Path, collection: AnkiCollection
) -> None:
    """What passes validation, Anki imports: a deck that builds must always import."""
    body = SAMPLE.replace(
        '"{{Fasciculations}} are highly classical of *LMN* lesions."',
        f'"{{{{Fasciculations}}}} {ODD_BUT_ALLOWED}"',
    )
    cards = write_cards(body)
    apkg = tmp_path / "odd.apkg"
    result = CliRunner().invoke(main, ["build", str(cards), "-o", str(apkg)])
    assert result.exit_code == 0, result.output
    log = collection.import_package(apkg)
    assert (log.new, log.conflicting) == (6, 0)
    (card,) = [card for card in collection.cards() if "emoji" in card.question]
    for word in (
        "🧠🫀",
        "עברית",
        "e\u0301",
        "no-break\u00a0space",
        "👩\u200d⚕️",
        "神経",
        "\U0001d538",
    ):
        assert unicodedata.normalize("NFC", word) in card.answer  # Anki stores text as NFC


# Random edits of the real cards files: a build, or a clean located error; never a traceback.
PUNCTUATION = [":", ": ", "- ", "-", "{", "}", "[", "]", "{{", "}}", "::", ",", "#", " #", "'"]
PUNCTUATION += ['"', "|", ">", "&a ", "*a", "!!str ", "!x ", "?", "---", "\\", "@", "~", "%"]
CHARACTERS = st.one_of(st.sampled_from(PUNCTUATION), st.characters(), st.sampled_from(" \n\t"))


@st.composite
def edited(draw: st.DrawFn, text: str) -> str:
    for _ in range(draw(st.integers(1, 4))):
        lines = text.split("\n")
        line = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["insert", "delete", "duplicate", "drop", "indent", "dedent"]))
        if kind == "insert":
            column = draw(st.integers(0, len(lines[line])))
            piece = draw(CHARACTERS)
            lines[line] = lines[line][:column] + piece + lines[line][column:]
        elif kind == "delete":
            column = draw(st.integers(0, len(lines[line])))
            lines[line] = lines[line][:column] + lines[line][column + draw(st.integers(1, 5)) :]
        elif kind == "duplicate":
            lines.insert(line, lines[line])
        elif kind == "drop":
            del lines[line]
        elif kind == "indent":
            lines[line] = " " * draw(st.integers(1, 4)) + lines[line]
        else:
            lines[line] = lines[line][draw(st.integers(1, 4)) :]
        text = "\n".join(lines)
    return text


@pytest.fixture(scope="module")
def real_cards(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    project = tmp_path_factory.mktemp("real")
    shutil.copytree(REPO_CARDS, project / "cards")
    yield project


REAL_FILES = sorted(path.name for path in REPO_CARDS.glob("*.yaml"))
ERROR_LINE = re.compile(r"cards/[^\n:]+\.yaml:\d+:\d+: error\[[a-z0-9-]+\]: \S")


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_edits_of_the_real_cards(
    data: st.DataObject, real_cards: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(real_cards)
    name = data.draw(st.sampled_from(REAL_FILES))
    original = (REPO_CARDS / name).read_text(encoding="utf-8")
    parser = data.draw(st.sampled_from(sorted(LOADERS)))
    monkeypatch.setattr(loader, "_Loader", LOADERS[parser])
    # a lone surrogate reaches the file as the bytes an editor might leave: invalid UTF-8
    edit = data.draw(edited(original)).encode("utf-8", "surrogatepass")
    (real_cards / "cards" / name).write_bytes(edit)
    try:
        result = run("build", "-o", "../fuzz.apkg")
    finally:
        (real_cards / "cards" / name).write_text(original, encoding="utf-8")
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 1:
        problems = [line for line in result.output.splitlines() if " error[" in line]
        assert problems and all(ERROR_LINE.match(line) for line in problems), result.output
