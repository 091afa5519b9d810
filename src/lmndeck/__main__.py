"""The ``lmndeck`` command: ``python -m lmndeck`` and the installed script both start here.

Loading the command line takes a moment (each command imports the pipeline when it runs); Ctrl-C
or SIGTERM in that time must end it like at any other moment (one line, exit 130), not with
Python's traceback.

The process runs one command and ends: Python's cyclic garbage collector stays off in it. A
build makes no reference cycles and reference counting frees its objects; the collector, back
on after the build, would walk every one of them once more for nothing (a tenth of a rebuild
of 20,000 facts, a second at 100,000). ``build --watch``, which runs for hours, turns it on.

Nor are a build's objects freed one by one at the end: the command holds its plan to the end
(``cli.output.keep_to_the_end``) and the process ends at once once its output is flushed, as
mypy's does, the system taking its memory back whole. Freeing a million objects and
finalizing the interpreter took 0.03-0.04 s of a rebuild of 20,000 facts after one edit.
Everything a command opens it closes itself (files, collections, threads, children) before it
returns.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
from types import FrameType
from typing import NoReturn


def run() -> None:
    gc.disable()
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        from lmndeck.cli import main
    except KeyboardInterrupt:
        sys.stderr.write("interrupted; nothing was written\n")
        sys.exit(130)
    try:
        main()
    except SystemExit as end:
        _end_now(end.code)


def _end_now(code: object) -> NoReturn:
    """End the process with the status ``sys.exit(code)`` gives, its output flushed but
    nothing freed and no exit handler run (see above)."""
    if code is None or isinstance(code, int):
        status = code or 0
    else:  # sys.exit("message"): printed, status 1
        sys.stderr.write(f"{code}\n")
        status = 1
    try:
        sys.stdout.flush()
    except OSError:  # its reader has gone (lmndeck stats | head): Python's own exit gives 120
        status = status or 120
    with contextlib.suppress(OSError):
        sys.stderr.flush()
    os._exit(status)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    run()
