"""Opening a written page in the user's browser, and saying so when no browser can.

Click's ``launch`` starts the platform's launcher (``xdg-open``) and reports success before it
has tried: on a machine without a browser the user gets its noise, exit code 0 and no page.
Here the launcher gets a few seconds to fail, its output kept to itself; one still running then
has handed the page to a browser that stays in the foreground.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import click

GRACE = 5.0  # seconds for the launcher to fail; launchers that work return at once


def open_page(path: Path) -> str | None:
    """Open ``path`` in the browser: None when it opened, else why it did not."""
    if sys.platform == "win32":
        return None if click.launch(str(path)) == 0 else "no program opens HTML files"
    launcher = "open" if sys.platform == "darwin" else "xdg-open"
    # A file, not a pipe, for the launcher's output: a browser it starts keeps writing to it
    # after lmndeck has exited, and a closed pipe would stop it.
    with tempfile.TemporaryFile() as noise:
        try:
            launched = subprocess.Popen(
                [launcher, str(path)], stdin=subprocess.DEVNULL, stdout=noise, stderr=noise
            )
        except OSError as error:
            return f"{launcher} cannot be run: {error.strerror}"
        try:
            code = launched.wait(timeout=GRACE)
        except subprocess.TimeoutExpired:
            return None
    return None if code == 0 else f"{launcher} found no browser (exit code {code})"
