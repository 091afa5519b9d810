"""lmndeck: YAML fact files in, Anki decks out.

Data flows one way through separate modules: ``loader`` (YAML with positions) → ``deckfile``
(each card kind of ``kinds`` reads its section) → ``project`` (checks across files) → the kinds'
notes → ``numbering`` (stable card numbers) → the kinds' fields → ``reconcile`` (the ``lock``
keeps identities and times) → ``package`` (.apkg). ``pipeline`` alone chains them; ``problems``
and ``formats`` report what is wrong.
"""

# The one place the version is written (pyproject.toml reads it from here): a constant, not
# importlib.metadata, which alone would cost 'lmndeck --version' tens of milliseconds.
__version__ = "0.1.0"
