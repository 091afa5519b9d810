"""lmndeck: YAML fact files in, Anki decks out.

The pipeline stages are separate modules, each usable on its own:
``loader`` (YAML with positions) → ``validate`` (typed ``model``) → ``expand`` (notes and cards)
→ ``render`` (HTML fields) → ``package`` (.apkg), with ``lock`` keeping identities and times stable
across builds. ``build`` ties them together.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("lmndeck")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
