"""What every command shares: its arguments and options, and how it prints problems,
warnings, notices, progress and counts."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterable
from functools import wraps
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, NoReturn, ParamSpec, TypeVar

import click

from lmndeck.formats import FORMATTERS, formatted
from lmndeck.latest import PACKAGE_FORMATS
from lmndeck.problems import Code, ContentError, Position, Problem, file_position

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

    from lmndeck.pipeline import Plan, Progress, UpToDate

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
PACKAGE_FORMAT = click.option(
    "--package-format",
    type=click.Choice(PACKAGE_FORMATS),
    default="legacy",
    show_default=True,
    envvar="LMNDECK_PACKAGE_FORMAT",
    help="The deck's file format: legacy (every Anki) or latest (zstd: smaller, faster to "
    "write; imported by Anki 2.1.55+ and AnkiDroid 2.17+, AnkiMobile unconfirmed; needs "
    "lmndeck[latest]). Env: LMNDECK_PACKAGE_FORMAT.",
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
        output_format = str(kwargs.pop("output_format", "text"))
        click.get_current_context().meta[_PRINTING] = (output_format, root)
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
            if click.get_current_context().meta.get(WRITTEN):
                exit_interrupted("interrupted after the deck and the lock file were written")
            exit_interrupted("interrupted; nothing was written")
        finally:
            signal.signal(signal.SIGTERM, previous)
        for line in formatted(problems, root, output_format):
            click.echo(line, err=True)
        click.echo(f"{count(len(problems), 'error')}; nothing was written.", err=True)
        sys.exit(1)

    return wrapper


# Set in the click context by reports_problems: how and against which directory the command's
# problems are printed, for warnings printed by the command itself.
_PRINTING = "lmndeck.printing"

# Set in the click context once a build wrote its files, for the message of a late Ctrl-C.
WRITTEN = "lmndeck.written"

# What the last command made that the process ends with (see lmndeck/__main__.py).
_KEPT: list[object] = []


def keep_to_the_end(value: object) -> None:
    """Hold ``value`` until the process ends, which then frees nothing of it one by one (see
    lmndeck/__main__.py): a build's plan is a million objects. One value at a time, so that
    a caller running many commands in one process (the tests) holds only the last."""
    _KEPT[:] = [value]


def print_warnings(warnings: Iterable[Problem]) -> None:
    """Problems that do not stop the command (level warning), in the command's --format."""
    output_format, root = printing()
    for line in formatted(warnings, root, output_format):
        click.echo(line, err=True)


def printing() -> tuple[str, Path]:
    """The command's --format and the directory its paths are relative to."""
    printing: tuple[str, Path] = click.get_current_context().meta.get(
        _PRINTING, ("text", Path("."))
    )
    return printing


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """SIGTERM stops lmndeck the way Ctrl-C does: cleanly, at once."""
    raise KeyboardInterrupt


def exit_interrupted(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(130)  # 128 + SIGINT, what shells report for Ctrl-C


def _file_position(error: OSError, root: Path) -> Position:
    name = error.filename if isinstance(error.filename, str) else "lmndeck"
    return file_position(Path(name), root)


def print_notices(result: Plan | UpToDate, drafts_counted: bool = False) -> None:
    """The build's notes and warnings. Where the summary counts the drafts
    (``drafts_counted``), their warnings are left to 'lmndeck check' in text output: a
    project being imported has dozens, which would bury the one line that matters."""
    for notice in result.notices:
        click.echo(f"note: {notice}", err=True)
    listed = not drafts_counted or printing()[0] != "text"
    print_warnings(w for w in result.warnings if listed or w.code is not Code.DRAFT)


def drafts_line(result: Plan | UpToDate) -> str:
    """'; 16 drafts left out (...)' for a build with drafts, else ''."""
    drafts = sum(warning.code is Code.DRAFT for warning in result.warnings)
    return f"; {count(drafts, 'draft')} left out ('lmndeck check' lists them)" if drafts else ""


def progress_bar(label: str = "Reading cards files", worth_a_bar: int = 20) -> Progress | None:
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


CARDS_WORTH_A_BAR = 2000  # Anki imports and renders about 5,000 cards a second


def count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
