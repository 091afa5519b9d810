"""lmndeck: YAML fact files in, Anki decks out.

Data flows one way through separate modules: ``loader`` (YAML with positions) → ``deckfile``
(each card kind of ``kinds`` reads its section) → ``project`` (checks across files) → the kinds'
notes → ``numbering`` (stable card numbers) → the kinds' fields → ``reconcile`` (the ``lock``
keeps identities and times) → ``package`` (.apkg). ``pipeline`` alone chains them; ``problems``
and ``formats`` report what is wrong.
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
