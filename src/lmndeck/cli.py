"""The command line: thin click wrappers over the library's functions."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, NoReturn, ParamSpec, TypeVar

import click

from lmndeck import __version__
from lmndeck.formats import FORMATTERS, display_path
from lmndeck.lock import lock_path
from lmndeck.problems import Code, ContentError, Position, Problem, file_position
from lmndeck.renderers import RENDERERS, Renderer
from lmndeck.reserved import REMOVED_TAG

# The pipeline (and with it YAML, genanki and SQLite) is imported by the commands that run it,
# not here: 'lmndeck --version' and '--help' start in a fraction of the time.
if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

    from lmndeck.pipeline import Changes, Plan, Progress, UpToDate

P = ParamSpec("P")
R = TypeVar("R")

CARDS_DIR = click.argument(
    "cards_dir", default="cards", type=click.Path(file_okay=False, path_type=Path)
)
OUTPUT = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the deck. Default: dist/<top-deck>.apkg",
)


FORMAT = click.option(
    "--format",
    "output_format",
    type=click.Choice(list(FORMATTERS)),
    default="text",
    show_default=True,
    help="How to print problems: text (file:line:col, clickable), json (one object a line), "
    "github (annotations in GitHub Actions).",
)


def reports_problems(command: Callable[P, R]) -> Callable[P, R]:
    """Print content problems as file:line:column diagnostics and exit 1, never a traceback.
    Positions are relative to the command's CARDS_DIR (or the working directory).

    Ctrl-C and SIGTERM print one line and exit 130.
    """

    @wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        problems: list[Problem]
        root = kwargs.get("cards_dir")
        root = root if isinstance(root, Path) else Path(".")
        formatter = FORMATTERS[str(kwargs.pop("output_format", "text"))]
        previous = signal.signal(signal.SIGTERM, _interrupt)
        try:
            return command(*args, **kwargs)
        except ContentError as error:
            problems = error.problems
        except OSError as error:  # a file that cannot be read or written: same format
            where = _file_position(error, root)
            message = f"cannot access the file: {error.strerror or error}"
            problems = [Problem(where, message, code=Code.FILE_ACCESS)]
        except KeyboardInterrupt:
            if click.get_current_context().meta.get(_WRITTEN):
                _exit_interrupted("interrupted after the deck and the lock file were written")
            _exit_interrupted("interrupted; nothing was written")
        finally:
            signal.signal(signal.SIGTERM, previous)
        for problem in problems:
            click.echo(formatter(problem, root), err=True)
        click.echo(f"{_count(len(problems), 'error')}; nothing was written.", err=True)
        sys.exit(1)

    return wrapper


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """SIGTERM stops lmndeck the way Ctrl-C does: cleanly, at once."""
    raise KeyboardInterrupt


def _exit_interrupted(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(130)  # 128 + SIGINT, what shells report for Ctrl-C


def _file_position(error: OSError, root: Path) -> Position:
    name = error.filename if isinstance(error.filename, str) else "lmndeck"
    return file_position(Path(name), root)


@click.group(name="lmndeck", context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="lmndeck")
def main() -> None:
    """Turn YAML fact files into an Anki deck of cloze, list and comparison-table cards.

    \b
    Write facts in cards/*.yaml, then:
      lmndeck check            find mistakes in the cards files
      lmndeck build            write dist/<deck>.apkg to import into Anki
      lmndeck diff             see what a build would change in your collection

    Rebuild as often as you like: re-importing the deck updates the notes you
    already study and keeps their review history. See the README for the format.
    """


@main.command("build")
@CARDS_DIR
@OUTPUT
@FORMAT
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Write nothing; fail if the lock file or the deck is out of date (for CI).",
)
@reports_problems
def build_command(cards_dir: Path, output: Path | None, check_only: bool) -> None:
    """Build the deck from CARDS_DIR (default: cards/).

    All cards files of the directory go into one package, each in its own deck.
    The lock file CARDS_DIR/lmndeck.lock keeps every note's identity and card
    numbers across builds; commit it with your cards.

    \b
    Examples:
      lmndeck build
      lmndeck build my-cards -o anatomy.apkg
      lmndeck build --check
    """
    from lmndeck.pipeline import build, check_build

    if check_only:
        checked, target = check_build(cards_dir, output)
        _print_notices(checked)
        click.echo(
            f"{display_path(target)} and {display_path(lock_path(cards_dir))} are up to date."
        )
        return
    meta = click.get_current_context().meta
    result, target = build(
        cards_dir,
        output,
        progress=_progress_bar(),
        on_wait=lambda: click.echo(
            f"waiting for another build of {display_path(cards_dir)} to finish...", err=True
        ),
        on_written=lambda: meta.update({_WRITTEN: True}),
    )
    _print_notices(result)
    click.echo(_summary(result, display_path(target)))
    for warning in rename_warnings(result.changes):
        click.echo(f"warning: {warning}", err=True)
    if result.changes.likely_renames:
        click.echo(
            "  hint: add 'was:' and build again: the renamed notes take their old notes and "
            "reviews back, also for students who imported this build",
            err=True,
        )
    if result.changes.removed:
        click.echo(
            f"{len(result.changes.removed)} note(s) removed from the source stay in collections "
            f"that imported them: search 'tag:{REMOVED_TAG}' in Anki to delete them.",
            err=True,
        )


# Set in the click context once a build wrote its files, for the message of a late Ctrl-C.
_WRITTEN = "lmndeck.written"


@main.command("check")
@CARDS_DIR
@FORMAT
@reports_problems
def check_command(cards_dir: Path) -> None:
    """Validate the cards files in CARDS_DIR without building anything.

    Every problem is reported as file:line:column with a hint; the exit code
    is 1 when there is any.

    \b
    Example:
      lmndeck check cards/
    """
    from lmndeck.pipeline import check

    counts = (_count(number, noun) for noun, number in check(cards_dir))
    click.echo(f"{', '.join(counts)}: no problems.")


@main.command("diff")
@CARDS_DIR
@FORMAT
@reports_problems
def diff_command(cards_dir: Path) -> None:
    """Show what the next build changes, compared with the lock file.

    Lists notes added, changed and removed, and cards that will appear or
    become empty in a collection that imported the previous build.

    \b
    Example:
      lmndeck diff
    """
    from lmndeck.pipeline import plan

    result = plan(cards_dir)
    _print_notices(result)
    click.echo(format_changes(result.changes))


@main.command("preview")
@CARDS_DIR
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Where to write the page ('-' for standard output). Default: dist/<top-deck>-preview.html",
)
@click.option("--open", "open_page", is_flag=True, help="Open the page in the browser.")
@click.option(
    "--renderer",
    type=click.Choice(RENDERERS),
    default="auto",
    show_default=True,
    help="'anki' renders with Anki itself (pip install \"lmndeck[preview]\"), 'builtin' with "
    "lmndeck's own renderer; 'auto' uses Anki when it is installed.",
)
@reports_problems
def preview_command(
    cards_dir: Path, output: Path | None, open_page: bool, renderer: Renderer
) -> None:
    """Write one HTML page showing every card's front and back, as Anki shows them.

    The page is self-contained (open it from disk, offline): cards grouped by
    deck and note, a search box, night mode and a phone-width view. Nothing
    of the project is written: not the lock file, not the deck.

    \b
    Examples:
      lmndeck preview --open
      lmndeck preview my-cards -o my-cards.html
    """
    from lmndeck.preview import default_preview_path, page_html, preview, write_page

    to_stdout = output == Path("-")
    if to_stdout and open_page:
        raise click.UsageError("--open needs a file: leave out '-o -'")
    shown = preview(
        cards_dir, renderer, _progress_bar(), _progress_bar("Rendering cards", _CARDS_WORTH_A_BAR)
    )
    page = page_html(shown)
    if to_stdout:
        click.echo(page, nl=False)
        return
    target = output or default_preview_path(shown)
    write_page(cards_dir, target, page)
    click.echo(
        f"Wrote {display_path(target)}: {shown.card_count} cards in {shown.note_count} notes, "
        f"{len(page.encode('utf-8')) // 1024} KiB."
    )
    if open_page:
        click.launch(str(target))


@main.group("lock")
def lock_group() -> None:
    """Work with the lock file (CARDS_DIR/lmndeck.lock)."""


@lock_group.command("merge")
@click.argument("ours", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("theirs", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("base", required=False, type=click.Path(dir_okay=False, path_type=Path))
@reports_problems
def lock_merge_command(ours: Path, theirs: Path, base: Path | None) -> None:
    """Merge the lock THEIRS into the lock OURS, keeping every card's number.

    Both versions' notes are kept; where they gave one card number to two
    deletions, OURS keeps it and the other deletion gets a new number. OURS is
    rewritten. BASE, the version both come from, tells which side changed a
    note. As a git merge driver (see the README):

    \b
      git config merge.lmndeck-lock.driver "lmndeck lock merge %A %B %O"
      echo "lmndeck.lock merge=lmndeck-lock" >> .gitattributes
    """
    from lmndeck.pipeline import merge_lock_files

    resolutions = merge_lock_files(ours, theirs, base)
    for line in resolutions:
        click.echo(f"note: {line}", err=True)
    click.echo(f"Merged {display_path(theirs)} into {display_path(ours)}.", err=True)


def _print_notices(result: Plan | UpToDate) -> None:
    for notice in result.notices:
        click.echo(f"note: {notice}", err=True)


def _progress_bar(label: str = "Reading cards files", worth_a_bar: int = 20) -> Progress | None:
    """A bar on the terminal while many files are read (or cards rendered); nothing when output
    is redirected."""
    if not sys.stderr.isatty():
        return None
    bar: ProgressBar[int] | None = None  # created once the number of files is known

    def update(done: int, total: int) -> None:
        nonlocal bar
        if total < worth_a_bar:
            return
        if bar is None:
            bar = click.progressbar(length=total, label=label, file=sys.stderr)
        bar.update(1)
        if done == total:
            bar.render_finish()

    return update


_CARDS_WORTH_A_BAR = 2000  # Anki imports and renders about 5,000 cards a second


def _summary(result: Plan | UpToDate, target: str) -> str:
    by_kind = result.cards_by_kind
    changes = result.changes
    line = (
        f"Built {target}: {result.live_notes} notes, {sum(n for _, n in by_kind)} cards "
        f"({', '.join(f'{number} {noun}' for noun, number in by_kind)})"
    )
    if changes.any:
        line += (
            f"; {len(changes.added)} added, {len(changes.changed)} changed, "
            f"{len(changes.removed)} removed since the last build"
        )
        if changes.renamed:
            line += f"; {len(changes.renamed)} renamed with their reviews"
        if changes.note_types:
            line += f"; note types updated: {', '.join(changes.note_types)}"
    return line + "."


def rename_warnings(changes: Changes) -> list[str]:
    """What a build says before students import it: renames that lose reviews (no 'was:'),
    and 'was:' renames that remove the note a previous build made under the new id."""
    displaced = [
        f"'{new}' takes back the notes of '{old}' ('was:'); the note a previous build made "
        f"for '{new}' becomes a removed note"
        for old, new in changes.displaced
    ]
    return displaced + [rename.advice() for rename in changes.likely_renames]


def format_changes(changes: Changes) -> str:
    sections = [
        ("added", changes.added),
        ("changed", changes.changed),
        ("removed", changes.removed),
        ("renamed (reviews kept)", changes.renamed),
        ("renames that lose reviews", rename_warnings(changes)),
        ("note types changed", changes.note_types),
        ("new cards", changes.new_cards),
        ("cards that become empty (Tools > Empty Cards in Anki)", changes.emptied_cards),
    ]
    lines = [
        f"{title}:\n" + "\n".join(f"  {item}" for item in items)
        for title, items in sections
        if items
    ]
    return "\n".join(lines) if lines else "No changes since the last build."


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
