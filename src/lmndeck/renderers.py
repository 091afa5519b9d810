"""The names of the preview's renderers, apart from ``preview``: the command line offers them
without importing the pipeline, which keeps ``lmndeck --help`` fast."""

from __future__ import annotations

from typing import Literal

Renderer = Literal["auto", "anki", "builtin"]
RENDERERS: tuple[Renderer, ...] = ("auto", "anki", "builtin")
