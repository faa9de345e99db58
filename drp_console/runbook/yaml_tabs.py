"""Tabs in YAML indentation: named as tabs, each at its line:col, and looked past.

libyaml stops at the first tab with a message about tokens; the loader names the tab, replaces
that line's indentation with spaces aligned like the line above, and parses again, so every
tab of a file (and the next real syntax error) is reported at once.
"""

from __future__ import annotations

import yaml

TAB_MESSAGE = "a tab character is used for indentation; use spaces"
MAX_TAB_ERRORS = 100
"""Tabs named in one file before the loader gives up looking for more."""


class TabIndent(Exception):
    """A YAML syntax error caused by a tab in a line's indentation (0-based line and column)."""

    def __init__(self, line: int, column: int):
        self.line, self.column = line, column


def untab(text: str, line: int) -> str:
    """`text` with line `line`'s indentation as spaces, aligned like the line above's content
    (how the author most likely meant it), so parsing can go on to the next problem."""
    lines = text.split("\n")
    target = lines[line]
    body = target.lstrip(" \t")
    above = next((x for x in reversed(lines[:line]) if x.strip()), "")
    width = len(above) - len(above.lstrip(" "))
    if above.lstrip(" ").startswith("- "):
        width += 2
    lines[line] = " " * width + body
    return "\n".join(lines)


def tab_at(text: str, exc: yaml.MarkedYAMLError) -> TabIndent | None:
    """The tab a YAML syntax error is about, when it is one in a line's indentation."""
    mark = exc.problem_mark
    if mark is None:
        return None
    lines = text.split("\n")
    if mark.line >= len(lines):
        return None
    line = lines[mark.line]
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    if "\t" not in indent:
        return None
    if "tab" not in (exc.problem or "") and mark.column > len(indent):
        return None
    return TabIndent(mark.line, indent.index("\t"))
