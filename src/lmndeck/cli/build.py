"""The commands that build, or say what a build would do: build (and --watch), check, diff."""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from lmndeck.cli.output import (
    CARDS_DIR,
    FORMAT,
    OUTPUT,
    PACKAGE_FORMAT,
    WRITTEN,
    count,
    drafts_line,
    exit_interrupted,
    keep_to_the_end,
    print_notices,
    print_warnings,
    progress_bar,
    reports_problems,
)
from lmndeck.formats import display_path, formatted
from lmndeck.lock import lock_path
from lmndeck.reserved import REMOVED_TAG

if TYPE_CHECKING:
    from lmndeck.latest import PackageFormat
    from lmndeck.pipeline import Changes, Plan, UpToDate
    from lmndeck.watch import Rebuild


@click.command("build")
@CARDS_DIR
@OUTPUT
@PACKAGE_FORMAT
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
def build_command(
    cards_dir: Path,
    output: Path | None,
    package_format: PackageFormat,
    check_only: bool,
    watch: bool,
) -> None:
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
      lmndeck build --package-format latest
    """
    if check_only and watch:
        raise click.UsageError("--check and --watch cannot be used together")
    if watch:
        _watch(cards_dir, output, package_format)
    from lmndeck.pipeline import build, check_build

    if check_only:
        checked, target = check_build(cards_dir, output, package_format)
        keep_to_the_end(checked)
        print_notices(checked)
        click.echo(
            f"{display_path(target)} and {display_path(lock_path(cards_dir))} are up to date."
        )
        return
    meta = click.get_current_context().meta
    result, target = build(
        cards_dir,
        output,
        progress=progress_bar(),
        on_wait=lambda: click.echo(
            f"waiting for another build of {display_path(cards_dir)} to finish...", err=True
        ),
        on_written=lambda: meta.update({WRITTEN: True}),
        package_format=package_format,
    )
    keep_to_the_end(result)
    print_notices(result, drafts_counted=True)
    click.echo(summary(result, display_path(target)))
    print_rename_warnings(result)


def print_rename_warnings(result: Plan | UpToDate) -> None:
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


def _watch(cards_dir: Path, output: Path | None, package_format: PackageFormat) -> NoReturn:
    """Print each build of the watch; Ctrl-C ends it with one line (a build it interrupts
    wrote everything or nothing, as always)."""
    from lmndeck.watch import watch, what_changed  # the watcher is for watches only

    gc.enable()  # off for one-shot commands (see __main__); a watch runs for hours

    output_format = str(click.get_current_context().params.get("output_format", "text"))
    first = True

    def report(rebuild: Rebuild) -> None:
        nonlocal first
        if rebuild.plan and rebuild.target:
            print_notices(rebuild.plan, drafts_counted=True)
            if first:
                click.echo(summary(rebuild.plan, display_path(rebuild.target)))
            else:
                click.echo(
                    f"rebuilt in {rebuild.seconds:.2f} s: {what_changed(rebuild.plan)}"
                    + (f" ({', '.join(rebuild.changed)})" if rebuild.changed else "")
                    + drafts_line(rebuild.plan)
                )
            print_rename_warnings(rebuild.plan)
        else:
            for line in formatted(rebuild.problems, cards_dir, output_format):
                click.echo(line, err=True)
            click.echo(
                f"{count(len(rebuild.problems), 'error')}; the deck was not rebuilt "
                "(the last good one stays).",
                err=True,
            )
        if first:
            click.echo(f"watching {display_path(cards_dir)} for changes (Ctrl-C to stop)", err=True)
            first = False

    try:
        watch(cards_dir, output, report, package_format)
    except KeyboardInterrupt:
        exit_interrupted("stopped watching")
    sys.exit(0)  # the watcher stopped by itself (the cards directory is gone)


@click.command("check")
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
    shown = ", ".join(count(number, noun) for noun, number in counts)
    click.echo(
        f"{shown}: no problems." if not warnings else f"{shown}: {count(len(warnings), 'warning')}."
    )


@click.command("diff")
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
    print_notices(result)
    click.echo(format_changes(result.changes))


def summary(result: Plan | UpToDate, target: str) -> str:
    by_kind = result.cards_by_kind
    changes = result.changes
    kinds = ", ".join(f"{number} {noun}" for noun, number in by_kind)
    line = (
        f"Built {target}: {result.live_notes} notes, {sum(n for _, n in by_kind)} cards"
        f"{f' ({kinds})' if kinds else ''}"
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
    return line + drafts_line(result) + "."


def first_build(result: Plan | UpToDate) -> bool:
    """A build that started from no lock: there was no last build to compare with."""
    from lmndeck.pipeline import Plan  # loaded already: the build made ``result``

    return isinstance(result, Plan) and not result.before.notes


def rename_warnings(changes: Changes) -> list[str]:
    """What a build says before students import it: renames that lose reviews (no 'was:'),
    and 'was:' renames that remove the note a previous build made under the new id."""
    return _displacements(changes) + [rename.advice() for rename in changes.likely_renames]


def _displacements(changes: Changes) -> list[str]:
    return [
        f"'{new}' takes back the notes of '{old}' ('was:'); the note a previous build made "
        f"for '{new}' becomes a removed note"
        for old, new in changes.displaced
    ]


def format_changes(changes: Changes) -> str:
    sections = [
        ("added", changes.added),
        ("changed", changes.changed),
        ("removed", [changes.named(key) for key in changes.removed]),
        ("renamed (reviews kept)", changes.renamed),
        ("renames that lose reviews", [rename.advice() for rename in changes.likely_renames]),
        ("'was:' renames onto an id a previous build used", _displacements(changes)),
        ("note types changed", changes.note_types),
        ("new cards", changes.new_cards),
        (
            "cards that become empty (Tools > Empty Cards in Anki)",
            [_card(changes, card) for card in changes.emptied_cards],
        ),
    ]
    lines = [
        f"{title}:\n" + "\n".join(f"  {item}" for item in items)
        for title, items in sections
        if items
    ]
    return "\n".join(lines) if lines else "No changes since the last build."


def _card(changes: Changes, card: str) -> str:
    """'key#number', its note named as diff names notes."""
    key, _, number = card.rpartition("#")
    named = changes.named(key)
    return card if named == key else f"card {number} of {named}"
