"""The sync command: build, then write the build straight into an Anki collection."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from lmndeck.cli.build import summary
from lmndeck.cli.output import (
    CARDS_DIR,
    FORMAT,
    OUTPUT,
    PACKAGE_FORMAT,
    WRITTEN,
    count,
    drafts_line,
    print_notices,
    printing,
    progress_bar,
    reports_problems,
)
from lmndeck.formats import FORMATTERS, display_path
from lmndeck.problems import NOWHERE, Code, ContentError, Problem, given_position
from lmndeck.reserved import REMOVED_TAG

if TYPE_CHECKING:
    from lmndeck.latest import PackageFormat
    from lmndeck.sync import Synced
    from lmndeck.syncplan import SyncPlan


@click.command("sync")
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
@PACKAGE_FORMAT
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
    package_format: PackageFormat,
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
            package_format=package_format,
            progress=progress_bar(),
            on_wait=lambda: click.echo(
                f"waiting for another build of {display_path(cards_dir)} to finish...", err=True
            ),
            on_written=lambda: meta.update({WRITTEN: True}),
            on_step=_step_printer(),
        )
    except CollectionInUse as error:
        problem = Problem(
            given_position(target.path),
            f"Anki has this collection open ({error}); nothing was written",
            "close Anki, or switch it to another profile (File > Switch Profile), and run again",
            code=Code.COLLECTION_IN_USE,
        )
        click.echo(FORMATTERS[printing()[0]](problem, cards_dir), err=True)
        sys.exit(2)
    print_notices(result.build, drafts_counted=True)  # as build does: counted, not listed
    if not dry_run:
        click.echo(summary(result.build, display_path(result.deck)))
    elif drafts := drafts_line(result.build):
        click.echo(drafts.removeprefix("; ") + ".")
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
        count(plan.moved, "card") + " moved",
        count(empty, "empty card") + " removed",
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
        NOWHERE,
        "lmndeck sync writes through Anki's own backend, the 'anki' package, which is not "
        "installed",
        "install lmndeck's sync extra into lmndeck's Python: .venv/bin/pip install -e '.[sync]' "
        "in lmndeck's folder",
        code=Code.NO_ANKI,
    )
