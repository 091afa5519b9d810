"""The commands around writing cards: init, import, preview, stats, schema, lock merge."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from lmndeck.cli.output import (
    CARDS_DIR,
    CARDS_WORTH_A_BAR,
    FORMAT,
    count,
    printing,
    progress_bar,
    reports_problems,
)
from lmndeck.formats import display_path
from lmndeck.renderers import RENDERERS, Renderer


@click.command("preview")
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
        cards_dir, renderer, progress_bar(), progress_bar("Rendering cards", CARDS_WORTH_A_BAR)
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


@click.command("import")
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
    from lmndeck.importers.cardsyaml import cards_yaml, imported_deck
    from lmndeck.importers.markdown import read_document
    from lmndeck.newfiles import refuse_existing, write_text

    imported = read_document(document)
    target = output or Path("cards") / f"{document.stem}.yaml"
    parent = _joined_deck(target.parent) if output != Path("-") else ""
    text = cards_yaml(imported, parent)
    if output == Path("-"):
        click.echo(text, nl=False)
    else:
        refuse_existing(
            target,
            force,
            "the cards file exists already; it was left as it is",
            "add --force to overwrite it, or write elsewhere with -o FILE.yaml",
        )
        write_text(target, text)
        under = f", under the project's top deck {parent}" if parent else ""
        click.echo(f"Wrote {display_path(target)} (deck {imported_deck(imported, parent)}{under}).")
    drafts = imported.drafts
    review = (
        f" ({drafts} of them draft{'' if drafts == 1 else 's'}: review "
        f"{'it' if drafts == 1 else 'them'}, then remove 'draft: true')"
        if drafts
        else ""
    )
    click.echo(
        f"{count(len(imported.facts), 'fact')}{review}, "
        f"{count(len(imported.comparisons), 'comparison')}.",
        err=True,
    )


def _joined_deck(cards_dir: Path) -> str:
    """The deck the cards files already in ``cards_dir`` share, which an imported file joins
    as a subdeck (not a second top-level deck beside them); '' when there is none, or the
    files do not load (their problems are for 'lmndeck check')."""
    from lmndeck.problems import ContentError
    from lmndeck.project import CARD_SUFFIXES, load_project

    if not cards_dir.is_dir() or not any(
        path.suffix.lower() in CARD_SUFFIXES for path in cards_dir.iterdir()
    ):
        return ""
    try:
        return load_project(cards_dir).shared_deck
    except ContentError:
        return ""


@click.command("init")
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
    from lmndeck.scaffold import enclosing_repository, new_project

    repository = enclosing_repository(directory)  # before: the new files are not a repository
    written = new_project(directory, force)
    for path in written:
        click.echo(f"Wrote {display_path(path)}")
    enter = f"cd {display_path(directory)}, " if directory.resolve() != Path.cwd() else ""
    click.echo(
        f"Next: {enter}edit cards/example.yaml, then lmndeck preview --open and lmndeck build."
    )
    if repository is None:
        click.echo("Give it a history of its own with git init (commit cards/, lock included).")
    elif repository != directory.resolve():
        click.echo(
            f"note: {display_path(directory)} is inside the git repository "
            f"{display_path(repository)}, so its files join that repository's history; to keep "
            "your deck apart, make it elsewhere (cd ~ first) and delete this one",
            err=True,
        )


@click.command("stats")
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
    output_format, root = printing()
    click.echo(stats_json(counted, root) if output_format == "json" else stats_text(counted, root))


@click.command("schema")
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


@click.group("lock")
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
