"""What a template or expression refers to, worked out once per distinct text.

Parsing with Jinja costs about half a millisecond a text; runbooks repeat the same few texts
(`{{ params.project }}`) hundreds of times, and most templates are plain `{{ a.b['c'] }}` paths.
So results are cached, and plain paths are read with a regular expression instead of the parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from jinja2 import TemplateSyntaxError, nodes

from drp_console.runbook import templating

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_KEY = rf"\.{_NAME}|\[\s*'[^'\\]*'\s*\]|\[\s*\"[^\"\\]*\"\s*\]"
_PATH = re.compile(rf"\s*({_NAME})((?:{_KEY})*)\s*")
_PART = re.compile(rf"\.({_NAME})|\[\s*'([^'\\]*)'\s*\]|\[\s*\"([^\"\\]*)\"\s*\]")
_CHUNK = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_KEYWORDS = frozenset({"true", "false", "none", "True", "False", "None", "and", "or", "not",
                       "in", "is", "if", "else"})


@dataclass(frozen=True)
class Analysis:
    """Names and access paths in one text, or why it does not parse."""

    error: str | None
    """The syntax error, as a message; None when the text parses."""
    names: frozenset[str]
    """Free names read (`params`, `steps`, `result`, ...)."""
    paths: tuple[tuple[str, ...], ...]
    """Every constant access chain from a name, each prefix included:
    `steps['a'].outputs.x` gives (steps, a), (steps, a, outputs), (steps, a, outputs, x)."""


def _path_parts(name: str, rest: str) -> list[tuple[str, ...]]:
    keys = [a or b or c for a, b, c in _PART.findall(rest)]
    return [(name, *keys[:n]) for n in range(1, len(keys) + 1)]


def _fast(text: str, kind: str) -> Analysis | None:
    """Plain paths only: `{{ a.b }}` chunks in a template, or a bare path expression."""
    if kind == "expression":
        exprs = [text]
    else:
        if "{%" in text or "{#" in text:
            return None
        exprs = _CHUNK.findall(text)
        if "{{" in _CHUNK.sub("", text) or "}}" in _CHUNK.sub("", text):
            return None
    names: set[str] = set()
    paths: list[tuple[str, ...]] = []
    for expr in exprs:
        match = _PATH.fullmatch(expr)
        if match is None or match.group(1) in _KEYWORDS:
            return None
        names.add(match.group(1))
        paths.extend(_path_parts(match.group(1), match.group(2)))
    return Analysis(None, frozenset(names), tuple(paths))


def _chain(node: nodes.Node) -> tuple[str, ...] | None:
    keys: list[str] = []
    while isinstance(node, (nodes.Getattr, nodes.Getitem)):
        if isinstance(node, nodes.Getattr):
            keys.append(node.attr)
        elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            keys.append(node.arg.value)
        else:
            return None
        node = node.node
    if not isinstance(node, nodes.Name):
        return None
    return (node.name, *reversed(keys))


@lru_cache(maxsize=8192)
def analyse(text: str, kind: str) -> Analysis:
    """The names and paths of a `template` or an `expression`."""
    fast = _fast(text, kind)
    if fast is not None:
        return fast
    try:
        if kind == "expression":
            tree: nodes.Node = templating.parse_expression(text)
        else:
            tree = templating.parse_template(text)
    except TemplateSyntaxError as exc:
        line = f" (line {exc.lineno} of the text)" if exc.lineno and exc.lineno > 1 else ""
        problem = exc.message or "syntax error"
        if "end of template" in problem:
            problem = "it ends too early (a value or a closing bracket is missing)"
        return Analysis(f"{kind} does not parse: {problem}{line}", frozenset(), ())
    loaded = {n.name for n in tree.find_all(nodes.Name) if n.ctx == "load"}
    bound = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    paths = []
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        chain = _chain(node)
        if chain is not None and chain[0] not in bound:
            paths.append(chain)
    return Analysis(None, frozenset(loaded - bound), tuple(paths))
