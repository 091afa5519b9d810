"""video-timestamp: a fact or cell citing a video without the second it is said at.

A card's source is how a student checks it; for a video, its link opens at the cited second. A
citation of the whole video ("source: video") sends the student searching through all of it,
and a reviewer cannot check the card against what the video says. Cited sources are inherited
(the file's, the comparison's, the row's): a cell without its own 'source:' in a comparison with
'source: video' cites the video without a second too.

Options: none.

Bad::

    - id: clonus
      text: "{{Clonus}} is a sign of a UMN lesion."
      source: video

Good::

    - id: clonus
      text: "{{Clonus}} is a sign of a UMN lesion."
      source: video 09:07
"""

from __future__ import annotations

from collections.abc import Iterator

from lmndeck.model import SourceRef, VideoSource
from lmndeck.problems import Code, Level
from lmndeck.project import Project
from lmndeck.rules.base import Finding, Options, linted

ID = Code.VIDEO_TIMESTAMP
LEVEL = Level.WARNING
OPTIONS: Options = {}


def check(project: Project, options: Options) -> Iterator[Finding]:
    for item in linted(project):
        for cited in item.citations:
            if _untimed(cited.ref):
                yield Finding(
                    cited.position,
                    f"{cited.named} cites the video '{cited.ref.source.name}' without a timestamp",
                    cited.hint,
                    cited.ignored,
                )


def _untimed(ref: SourceRef) -> bool:
    return isinstance(ref.source, VideoSource) and ref.seconds is None
