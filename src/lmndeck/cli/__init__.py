"""The command line: thin click wrappers over the library's functions."""

from __future__ import annotations

import click

from lmndeck import __version__
from lmndeck.cli.authoring import (
    import_command,
    init_command,
    lock_group,
    preview_command,
    schema_command,
    stats_command,
)
from lmndeck.cli.build import build_command, check_command, diff_command
from lmndeck.cli.lint import lint_command
from lmndeck.cli.sync import sync_command

# The pipeline (and with it YAML, genanki and SQLite) is imported by the commands that run it,
# not here: 'lmndeck --version' and '--help' start in a fraction of the time.


@click.group(name="lmndeck", context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="lmndeck")
def main() -> None:
    """Turn YAML fact files into an Anki deck: cloze, list, basic, comparison
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


for command in (
    init_command,
    import_command,
    check_command,
    lint_command,
    preview_command,
    build_command,
    sync_command,
    diff_command,
    stats_command,
    schema_command,
    lock_group,
):
    main.add_command(command)
