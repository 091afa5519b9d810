"""The command line: thin click wrappers over the library's functions."""

from __future__ import annotations

import gc
import inspect
import signal
import sys
from collections.abc import Callable, Iterable
from functools import wraps
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, NoReturn, ParamSpec, TypeVar

import click

from lmndeck import __version__
from lmndeck.formats import FORMATTERS, display_path
from lmndeck.lock import lock_path
from lmndeck.problems import (
    Code,
    ContentError,
    Level,
    Position,
    Problem,
    file_position,
    given_position,
)
from lmndeck.renderers import RENDERERS, Renderer
from lmndeck.reserved import REMOVED_TAG

# The pipeline (and with it YAML, genanki and SQLite) is imported by the commands that run it,
# not here: 'lmndeck --version' and '--help' start in a fraction of the time.
if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

    from lmndeck.pipeline import Changes, Plan, Progress, UpToDate
    from lmndeck.sync import Synced
    from lmndeck.syncplan import SyncPlan
    from lmndeck.watch import Rebuild

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
        output_format = str(kwargs.pop("output_format", "text"))
        formatter = FORMATTERS[output_format]
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


# Set in the click context by reports_problems: how and against which directory the command's
# problems are printed, for warnings printed by the command itself.
_PRINTING = "lmndeck.printing"


def print_warnings(warnings: Iterable[Problem]) -> None:
    """Problems that do not stop the command (level warning), in the command's --format."""
    output_format, root = _printing()
    for warning in warnings:
        click.echo(FORMATTERS[output_format](warning, root), err=True)


def _printing() -> tuple[str, Path]:
    """The command's --format and the directory its paths are relative to."""
    printing: tuple[str, Path] = click.get_current_context().meta.get(
        _PRINTING, ("text", Path("."))
    )
    return printing


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
    """Turn YAML fact files into an Anki deck: cloze, list, basic, comparison-table
    and discrimination cards, with images.

    \b
    Start:
      lmndeck init mydeck      a project with an example of every card kind
      lmndeck import notes.md  a Markdown document -> a draft cards file
    Write facts in cards/*.yaml, then:
      lmndeck check            find mistakes in the cards files
      lmndeck lint             find cards that teach badly (answers on the front, ...)
      lmndeck preview --open   see every card as Anki shows it
      lmndeck build            write dist/<deck>.apkg to import into Anki
      lmndeck sync             build and write it straight into Anki (closed)
      lmndeck build --watch    rebuild on every save
      lmndeck diff             see what a build would change in your collection

    Rebuild as often as you like: re-importing the deck updates the notes you
    already study and keeps their review history. 'lmndeck COMMAND --help' shows
    each command's options; the README has the format.
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
@click.option(
    "--watch",
    is_flag=True,
    help="Build, then build again after every save in CARDS_DIR, until Ctrl-C. Problems are "
    "printed and the last good deck stays.",
)
@reports_problems
def build_command(cards_dir: Path, output: Path | None, check_only: bool, watch: bool) -> None:
    """Build the deck from CARDS_DIR (default: cards/).

    All cards files of the directory go into one package, each in its own deck.
    The lock file CARDS_DIR/lmndeck.lock keeps every note's identity and card
    numbers across builds; commit it with your cards.

    \b
    Examples:
      lmndeck build
      lmndeck build my-cards -o anatomy.apkg
      lmndeck build --check
      lmndeck build --watch
    """
    if check_only and watch:
        raise click.UsageError("--check and --watch cannot be used together")
    if watch:
        _watch(cards_dir, output)
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
    _print_notices(result, drafts_counted=True)
    click.echo(_summary(result, display_path(target)))
    _print_warnings(result)


def _print_warnings(result: Plan | UpToDate) -> None:
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
            f"that imported them: 'lmndeck sync' deletes them, or search 'tag:{REMOVED_TAG}' "
            "in Anki.",
            err=True,
        )


# Set in the click context once a build wrote its files, for the message of a late Ctrl-C.
_WRITTEN = "lmndeck.written"


def _watch(cards_dir: Path, output: Path | None) -> NoReturn:
    """Print each build of the watch; Ctrl-C ends it with one line (a build it interrupts
    wrote everything or nothing, as always)."""
    from lmndeck.watch import watch, what_changed  # the watcher is for watches only

    gc.enable()  # off for one-shot commands (see __main__); a watch runs for hours

    formatter = FORMATTERS[click.get_current_context().params.get("output_format", "text")]
    first = True

    def report(rebuild: Rebuild) -> None:
        nonlocal first
        if rebuild.plan and rebuild.target:
            _print_notices(rebuild.plan, drafts_counted=True)
            if first:
                click.echo(_summary(rebuild.plan, display_path(rebuild.target)))
            else:
                click.echo(
                    f"rebuilt in {rebuild.seconds:.2f} s: {what_changed(rebuild.plan)}"
                    + (f" ({', '.join(rebuild.changed)})" if rebuild.changed else "")
                    + _drafts(rebuild.plan)
                )
            _print_warnings(rebuild.plan)
        else:
            for problem in rebuild.problems:
                click.echo(formatter(problem, cards_dir), err=True)
            click.echo(
                f"{_count(len(rebuild.problems), 'error')}; the deck was not rebuilt "
                "(the last good one stays).",
                err=True,
            )
        if first:
            click.echo(f"watching {display_path(cards_dir)} for changes (Ctrl-C to stop)", err=True)
            first = False

    try:
        watch(cards_dir, output, report)
    except KeyboardInterrupt:
        _exit_interrupted("stopped watching")
    sys.exit(0)  # the watcher stopped by itself (the cards directory is gone)


@main.command("sync")
@CARDS_DIR
@click.option(
    "--collection",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The collection.anki2 file to write into.",
)
@click.option("--profile", help="The Anki profile to write into (its name in Anki).")
@click.option(
    "--base",
    type=click.Path(file_okay=False, path_type=Path),
    help="Anki's base folder, where the profiles are (also $ANKI_BASE). Default: the "
    "platform's, e.g. ~/.local/share/Anki2.",
)
@OUTPUT
@click.option("--dry-run", is_flag=True, help="Print what would change; write nothing.")
@click.option(
    "--keep-reviewed",
    is_flag=True,
    help=f"Keep removed notes that have reviews, tagged {REMOVED_TAG}, instead of deleting them.",
)
@click.option(
    "--no-backup",
    is_flag=True,
    help="Make no backup first (only with --collection).",
)
@click.option(
    "--allow-full-sync",
    is_flag=True,
    help="Write a note type change that makes Anki ask for a one-way full sync.",
)
@FORMAT
@reports_problems
def sync_command(
    cards_dir: Path,
    collection: Path | None,
    profile: str | None,
    base: Path | None,
    output: Path | None,
    dry_run: bool,
    keep_reviewed: bool,
    no_backup: bool,
    allow_full_sync: bool,
) -> None:
    """Build CARDS_DIR and write the build straight into your Anki collection.

    Unlike importing the .apkg, a sync also deletes the notes you removed from
    the cards, moves cards to the deck their fact moved to, and removes empty
    cards. It builds exactly as 'lmndeck build' does (lock file and deck), backs
    up the collection into the profile's backups folder, and touches only the
    notes of this project. Close Anki first (or switch it to another profile):
    Anki keeps its open collection to itself. Your next sync with AnkiWeb sends
    the changes to your other devices.

    \b
    Examples:
      lmndeck sync --dry-run          the only profile: what would change
      lmndeck sync --profile "User 1"
      lmndeck sync --collection ~/anki/collection.anki2 --keep-reviewed
    """
    if no_backup and collection is None:
        raise click.UsageError("--no-backup goes with --collection only")
    if collection is not None and (profile is not None or base is not None):
        raise click.UsageError("--collection names the file: leave out --profile and --base")
    try:
        from lmndeck.sync import CollectionInUse, sync
    except ImportError:
        raise ContentError([_no_anki_for_sync()]) from None
    from lmndeck.profiles import find_collection

    target = find_collection(collection, profile, base)
    profile_shown = f" (profile '{target.profile}')" if target.profile else ""
    click.echo(f"collection: {display_path(target.path)}{profile_shown}", err=True)
    meta = click.get_current_context().meta
    try:
        result = sync(
            cards_dir,
            target,
            output,
            dry_run=dry_run,
            keep_reviewed=keep_reviewed,
            backup=not no_backup,
            allow_full_sync=allow_full_sync,
            progress=_progress_bar(),
            on_wait=lambda: click.echo(
                f"waiting for another build of {display_path(cards_dir)} to finish...", err=True
            ),
            on_written=lambda: meta.update({_WRITTEN: True}),
            on_step=_step_printer(),
        )
    except CollectionInUse as error:
        problem = Problem(
            given_position(target.path),
            f"Anki has this collection open ({error}); nothing was written",
            "close Anki, or switch it to another profile (File > Switch Profile), and run again",
            code=Code.COLLECTION_IN_USE,
        )
        click.echo(FORMATTERS[_printing()[0]](problem, cards_dir), err=True)
        sys.exit(2)
    _print_notices(result.build)
    if not dry_run:
        click.echo(_summary(result.build, display_path(result.deck)))
    for line in sync_report(result.plan, target.shown, dry_run, result.synced):
        click.echo(line)


def _step_printer() -> Callable[[str], None]:
    """A line on the terminal as each step of a sync starts; nothing when output is
    redirected."""
    if not sys.stderr.isatty():
        return lambda step: None
    return lambda step: click.echo(f"{step}...", err=True)


def sync_report(plan: SyncPlan, where: str, dry_run: bool, synced: Synced | None) -> list[str]:
    """What a sync wrote (or, dry, would write), a line each; cards it left where they are."""
    lines = [
        f"left in place: '{card.key}' card in '{card.deck}' ({card.reason})"
        for card in plan.left[:_LISTED]
    ]
    if len(plan.left) > _LISTED:
        lines.append(f"left in place: {len(plan.left) - _LISTED} more cards")
    lines += [
        f"left alone: '{key}': a note of another type has its GUID in this collection"
        for key in plan.other_type
    ]
    if not plan.writes:
        return [*lines, f"{where} already has this build: nothing written."]
    removed = f"{len(plan.removed)} removed"
    said = [f"{plan.reviewed} had reviews; their history stays in Anki's statistics"] * bool(
        plan.reviewed
    ) + [f"{plan.edited} you had edited; --keep-reviewed keeps those"] * bool(plan.edited)
    if said:
        removed += f" ({'; '.join(said)})"
    empty = synced.empty_removed if synced else len(plan.empty)
    counts = [
        f"{len(plan.added)} added",
        f"{len(plan.updated)} updated",
        removed,
        *(
            [f"{len(plan.kept)} removed but kept (reviewed, tagged {REMOVED_TAG})"]
            if plan.kept
            else []
        ),
        _count(plan.moved, "card") + " moved",
        _count(empty, "empty card") + " removed",
    ]
    if plan.new_note_types:
        counts.append(f"note types added: {', '.join(plan.new_note_types)}")
    if plan.note_types:
        counts.append(f"note types updated: {', '.join(plan.note_types)}")
    if dry_run:
        return [*lines, f"would sync into {where}: {', '.join(counts)}; nothing written (dry run)."]
    backup = f"backup: {display_path(synced.backup)}" if synced and synced.backup else "no backup"
    after = (
        "The collection's schema changed: Anki's next sync is a one-way full sync; choose "
        "Upload, then sync your other devices."
        if synced and synced.full_sync
        else "Sync Anki to send this to your other devices."
    )
    return [*lines, f"synced into {where}: {', '.join(counts)}; {backup}. {after}"]


_LISTED = 10


def _no_anki_for_sync() -> Problem:
    return Problem(
        Position("lmndeck", 1, 1, given=True),
        "lmndeck sync writes through Anki's own backend, the 'anki' package, which is not "
        "installed",
        "install lmndeck's sync extra into lmndeck's Python: pip install -e '.[sync]' in "
        "its folder (or pip install 'lmndeck[sync]')",
        code=Code.NO_ANKI,
    )


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

    counts, warnings = check(cards_dir)
    print_warnings(warnings)
    shown = ", ".join(_count(number, noun) for noun, number in counts)
    click.echo(
        f"{shown}: no problems."
        if not warnings
        else f"{shown}: {_count(len(warnings), 'warning')}."
    )


@main.command("lint")
@CARDS_DIR
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too (for CI).")
@click.option("--list-rules", is_flag=True, help="Print every rule: its id, level and options.")
@click.option("--explain", metavar="RULE", help="Print a rule's documentation (see --list-rules).")
@FORMAT
@reports_problems
def lint_command(cards_dir: Path, strict: bool, list_rules: bool, explain: str | None) -> None:
    """Check the cards in CARDS_DIR for quality problems: answers on the front, long answers,
    lists in one deletion, near-duplicate facts, video sources without a second, and more.

    Rules are configured in CARDS_DIR/.lmndeck.yaml; one item opts out with
    'lint: {ignore: [RULE]}'. Exit 0 when clean or with warnings only, 1 with
    errors (or, under --strict, warnings).

    \b
    Examples:
      lmndeck lint
      lmndeck lint --strict --format github cards/
      lmndeck lint --explain answer-leak
    """
    from lmndeck.rules import RULE_IDS, lint

    if explain is not None and explain not in RULE_IDS:
        raise click.BadParameter(
            f"'{explain}' is not a rule; the rules: {', '.join(RULE_IDS)}", param_hint="--explain"
        )
    if list_rules or explain:
        click.echo(rules_help(explain))
        return
    problems = lint(cards_dir)
    output_format = click.get_current_context().params["output_format"]
    for problem in problems:
        click.echo(FORMATTERS[output_format](problem, cards_dir))
    click.echo(lint_summary(problems), err=output_format != "text")
    if any(problem.level is Level.ERROR or strict for problem in problems):
        sys.exit(1)


def lint_summary(problems: list[Problem]) -> str:
    """'no problems', or '1 error, 3 warnings in 2 files'."""
    if not problems:
        return "no problems"
    levels = [problem.level for problem in problems]
    counts = [_count(levels.count(level), level.value) for level in Level if levels.count(level)]
    files = len({problem.position.path for problem in problems})
    return f"{', '.join(counts)} in {_count(files, 'file')}"


def rules_help(rule_id: str | None) -> str:
    """Each rule (or the one named): its id, default level and options, then its documentation."""
    from lmndeck.rules import BY_ID, RULES

    shown = [BY_ID[rule_id]] if rule_id else RULES
    parts = []
    for rule in shown:
        options = ", ".join(f"{name}: {value}" for name, value in rule.OPTIONS.items())
        header = f"{rule.ID.value} ({rule.LEVEL.value}; options: {options or 'none'})"
        parts.append(f"{header}\n\n{inspect.getdoc(rule) or ''}\n")
    return "\n".join(parts)


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
        from lmndeck.opener import open_page as launch

        if (failed := launch(target)) is not None:
            click.echo(f"{failed}; open the page by hand: {target.resolve().as_uri()}", err=True)
            sys.exit(1)


@main.command("import")
@click.argument("document", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="The cards file to write ('-' for standard output). Default: cards/<DOCUMENT name>.yaml",
)
@click.option("--force", is_flag=True, help="Overwrite the cards file if it exists.")
@reports_problems
def import_command(document: Path, output: Path | None, force: bool) -> None:
    """Turn a Markdown DOCUMENT into a draft cards file that builds as it is.

    Tables become comparisons, bullets with a bold key term become cloze facts
    asking the term, plain bullet lists list facts (numbered ones ordered),
    callouts ('> [!tip]') the extra of the fact before them; front matter
    'tags:' tags the notes, 'videoId:' makes a video source and yt-timestamp
    anchors the facts' times. Paragraphs become drafts ('draft: true'): left
    out of the deck until you review them ('lmndeck check' lists them).

    \b
    Examples:
      lmndeck import lecture.md
      lmndeck import lecture.md -o cards/lecture.yaml --force
      lmndeck import lecture.md -o -
    """
    from lmndeck.importers.markdown import cards_yaml, read_document
    from lmndeck.newfiles import refuse_existing, write_text

    imported = read_document(document)
    text = cards_yaml(imported)
    if output == Path("-"):
        click.echo(text, nl=False)
    else:
        target = output or Path("cards") / f"{document.stem}.yaml"
        refuse_existing(
            target,
            force,
            "the cards file exists already; it was left as it is",
            "add --force to overwrite it, or write elsewhere with -o FILE.yaml",
        )
        write_text(target, text)
        click.echo(f"Wrote {display_path(target)}.")
    facts, drafts = len(imported.facts), imported.drafts
    click.echo(
        f"{_count(facts, 'fact')} ({drafts} of them draft{'' if drafts == 1 else 's'}: review "
        f"them, then remove 'draft: true'), {_count(len(imported.comparisons), 'comparison')}.",
        err=True,
    )


@main.command("init")
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Write into a directory that is not empty.")
@reports_problems
def init_command(directory: Path, force: bool) -> None:
    """Start a new deck project in DIRECTORY (default: the current one).

    Writes cards/example.yaml with one example of every kind of card, the
    cards format's schema for your editor, a .gitignore and a README. It
    builds at once.

    \b
    Example:
      lmndeck init mydeck && cd mydeck && lmndeck build
    """
    from lmndeck.scaffold import new_project

    written = new_project(directory, force)
    for path in written:
        click.echo(f"Wrote {display_path(path)}")
    enter = f"cd {display_path(directory)}, " if directory.resolve() != Path.cwd() else ""
    click.echo(
        f"Next: {enter}edit cards/example.yaml, then lmndeck preview --open and lmndeck build."
    )


@main.command("stats")
@CARDS_DIR
@FORMAT
@reports_problems
def stats_command(cards_dir: Path) -> None:
    """Count the notes and cards a build makes: by deck, kind, tag and source;
    video citations without a time; drafts left out of the deck.

    The counts are the build's own (nothing is written). With --format json
    they are one JSON object.

    \b
    Examples:
      lmndeck stats
      lmndeck stats my-cards --format json
    """
    from lmndeck.stats import stats, stats_json, stats_text

    counted = stats(cards_dir)
    output_format, root = _printing()
    click.echo(stats_json(counted, root) if output_format == "json" else stats_text(counted, root))


@main.command("schema")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    default=Path("-"),
    help="Where to write it. Default: standard output",
)
@reports_problems
def schema_command(output: Path) -> None:
    """Print the JSON Schema of the cards format, for editors to complete keys
    and flag mistakes while you type.

    With the YAML extension of VS Code (or any yaml-language-server editor),
    a cards file whose first line names the schema is checked as you type:

    \b
      # yaml-language-server: $schema=.lmndeck-schema.json

    \b
    Examples:
      lmndeck schema -o cards/.lmndeck-schema.json
      lmndeck schema | less
    """
    from lmndeck.newfiles import write_text
    from lmndeck.schema import schema_text

    if output == Path("-"):
        click.echo(schema_text(), nl=False)
    else:
        write_text(output, schema_text())
        click.echo(f"Wrote {display_path(output)}.", err=True)


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


def _print_notices(result: Plan | UpToDate, drafts_counted: bool = False) -> None:
    """The build's notes and warnings. Where the summary counts the drafts
    (``drafts_counted``), their warnings are left to 'lmndeck check' in text output: a
    project being imported has dozens, which would bury the one line that matters."""
    for notice in result.notices:
        click.echo(f"note: {notice}", err=True)
    listed = not drafts_counted or _printing()[0] != "text"
    print_warnings(w for w in result.warnings if listed or w.code is not Code.DRAFT)


def _drafts(result: Plan | UpToDate) -> str:
    """'; 16 drafts left out (...)' for a build with drafts, else ''."""
    drafts = sum(warning.code is Code.DRAFT for warning in result.warnings)
    return f"; {_count(drafts, 'draft')} left out ('lmndeck check' lists them)" if drafts else ""


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
    if first_build(result):
        line += "; the first build"
    elif changes.any:
        line += (
            f"; {len(changes.added)} added, {len(changes.changed)} changed, "
            f"{len(changes.removed)} removed since the last build"
        )
        if changes.renamed:
            line += f"; {len(changes.renamed)} renamed with their reviews"
        if changes.note_types:
            line += f"; note types updated: {', '.join(changes.note_types)}"
    return line + _drafts(result) + "."


def first_build(result: Plan | UpToDate) -> bool:
    """A build that started from no lock: there was no last build to compare with."""
    from lmndeck.pipeline import Plan  # loaded already: the build made ``result``

    return isinstance(result, Plan) and not result.before.notes


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
