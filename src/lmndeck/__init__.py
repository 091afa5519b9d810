"""lmndeck: YAML fact files in, Anki decks out.

The pipeline stages are separate modules, each usable on its own:
``loader`` (YAML with positions) → ``validate`` (typed ``model``) → ``expand`` (notes and cards)
→ ``render`` (HTML fields) → ``package`` (.apkg), with ``lock`` keeping identities and times stable
across builds. ``build`` ties them together.
"""


def __getattr__(name: str) -> str:
    """``lmndeck.__version__``, looked up only when asked for: importlib.metadata is slow to
    import, and every run of the command would pay for it."""
    if name != "__version__":
        raise AttributeError(f"module 'lmndeck' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("lmndeck")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0"
