"""The ``lmndeck`` command: ``python -m lmndeck`` and the installed script both start here.

Loading the command line takes a moment (each command imports the pipeline when it runs); Ctrl-C
or SIGTERM in that time must end it like at any other moment (one line, exit 130), not with
Python's traceback.

The process runs one command and ends: Python's cyclic garbage collector stays off in it. A
build makes no reference cycles and reference counting frees its objects; the collector, back
on after the build, would walk every one of them once more for nothing (a tenth of a rebuild
of 20,000 facts, a second at 100,000). ``build --watch``, which runs for hours, turns it on.
"""

from __future__ import annotations

import gc
import signal
import sys
from types import FrameType


def run() -> None:
    gc.disable()
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        from lmndeck.cli import main
    except KeyboardInterrupt:
        sys.stderr.write("interrupted; nothing was written\n")
        sys.exit(130)
    main()


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    run()
