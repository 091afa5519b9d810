"""The project's lint configuration: the 'lint:' section of CARDS_DIR/.lmndeck.yaml.

    lint:
      rules:
        long-answer: {max-words: 8, level: error}
        no-context: disable

A rule is ``disable``, ``enable`` or a mapping of its options and its ``level`` (warning or
error). The file is hidden, so cards discovery skips it; without it every rule runs with its
defaults. It is validated like a cards file: every problem at its place, with a hint.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import yaml

from lmndeck.loader import load_file
from lmndeck.problems import Code, ContentError, Level, Problem, place
from lmndeck.reader import Reader, key_nodes, suggest
from lmndeck.rules.base import Options, Rule

CONFIG_FILE = ".lmndeck.yaml"
LEVELS = tuple(level.value for level in Level)
SWITCHES = ("enable", "disable")

# Per rule id: its level (None: disabled) and options, for the rules the file configures.
Settings = dict[str, tuple[Level | None, Options]]


def read_config(root: Path, rules: Mapping[str, Rule]) -> tuple[Settings, list[Problem]]:
    """The settings of the rules the configuration file names, and its problems."""
    path = root / CONFIG_FILE
    if not path.is_file():
        return {}, []
    shown = place(path, root)
    try:
        node = load_file(path, shown)
    except ContentError as error:
        return {}, error.problems
    reader = Reader(shown)
    settings: dict[str, tuple[Level | None, Options] | None] = {}
    top = reader.mapping(node, "the configuration file", ("lint",), ()) if node else None
    lint = reader.mapping(top["lint"], "lint", ("rules",), ()) if top and "lint" in top else None
    section = lint.get("rules") if lint else None
    if isinstance(section, yaml.MappingNode) and reader.visit(section):
        entries = reader.entries(section, "rules")
        for key_node, name in key_nodes(section):
            if name in settings or name not in entries:  # a duplicate key, reported already
                continue
            if reader.known(key_node, "a lint rule", tuple(rules), Code.UNKNOWN_RULE):
                settings[name] = _rule(reader, entries[name], name, rules[name])
    elif section is not None:
        reader.mapping(section, "rules", (), ())  # reports what it is instead
    return {name: value for name, value in settings.items() if value is not None}, reader.problems


def _rule(
    reader: Reader, node: yaml.Node, name: str, rule: Rule
) -> tuple[Level | None, Options] | None:
    if isinstance(node, yaml.ScalarNode):
        switch = reader.text(node, f"the rule '{name}'")
        if switch not in SWITCHES:
            if switch is not None:
                reader.report(
                    node,
                    Code.INVALID_OPTION,
                    f"a rule is 'enable', 'disable' or a mapping of its options, not '{switch}'",
                    suggest(switch, SWITCHES),
                )
            return None
        return (rule.LEVEL if switch == "enable" else None), rule.OPTIONS
    entries = reader.mapping(node, f"the rule '{name}'", ("level", *rule.OPTIONS), ())
    if entries is None:
        return None
    level = _level(reader, entries["level"]) if "level" in entries else rule.LEVEL
    options = dict(rule.OPTIONS)
    for option, default in rule.OPTIONS.items():
        if option in entries:
            value = _number(reader, entries[option], option, default)
            if value is None:
                return None
            options[option] = value
    return (level, options) if level is not None else None


def _level(reader: Reader, node: yaml.Node) -> Level | None:
    value = reader.text(node, "level")
    if value in LEVELS:
        return Level(value)
    if value is not None:
        reader.report(
            node,
            Code.INVALID_OPTION,
            f"level must be 'warning' or 'error', not '{value}'",
            (suggest(value, LEVELS) or "") + " (to switch a rule off, write 'RULE: disable')",
        )
    return None


def _number(
    reader: Reader, node: yaml.Node, option: str, default: int | float
) -> int | float | None:
    """An option's value, of its default's type: a whole number from 0, or a share from 0 to 1."""
    text = reader.text(node, option)
    if text is None:
        return None
    try:
        value = int(text) if isinstance(default, int) else float(text)
    except ValueError:
        value = -1
    if isinstance(default, int) and value >= 0:
        return value
    if isinstance(default, float) and 0 <= value <= 1:
        return value
    wanted = "a whole number (0 or more)" if isinstance(default, int) else "a number from 0 to 1"
    reader.report(
        node,
        Code.INVALID_OPTION,
        f"{option} must be {wanted}, not '{text}'",
        f"e.g. {option}: {default}",
    )
    return None
