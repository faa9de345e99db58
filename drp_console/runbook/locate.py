"""Where in the YAML an error is: a data path walked through the parsed nodes, and each pydantic
error mapped to the node it is about (file:line:col, `where`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from drp_console.runbook.diagnostics import Diagnostic
from drp_console.runbook.errors import describe_error, format_where


def diag_at(path: str, mark: Any, where: str, message: str) -> Diagnostic:
    """A diagnostic at a YAML mark (line 1, column 1 when there is none)."""
    line = mark.line + 1 if mark is not None else 1
    col = mark.column + 1 if mark is not None else 1
    return Diagnostic(path, line, col, where, message)


def map_validation_error(exc: ValidationError, root: Node, shown: str,
                         model_cls: type[BaseModel] | None = None) -> list[Diagnostic]:
    """One diagnostic per pydantic error, at the YAML node it is about."""
    out: list[Diagnostic] = []
    seen: set[tuple[int, int, str]] = set()
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        if err["type"] == "extra_forbidden":
            loc = loc + ("[key]",)
        elif err["type"] == "union_tag_invalid":
            loc = loc + ("type",)
        node, parts, rest = locate(root, loc)
        if err["type"] in ("missing", "union_tag_not_found"):
            where = format_where(parts)
        else:
            where = format_where(parts + [p for p in rest if p != "[key]"])
        message = describe_error(err, node, model_cls)
        d = diag_at(shown, node.start_mark, where, message)
        key = (d.line, d.col, d.message)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def locate(root: Node, loc: tuple[Any, ...]) -> tuple[Node, list[Any], list[Any]]:
    """The node a data path points at: (node, the parts walked, the parts left over).

    Discriminator tags in pydantic locations (`steps.3.gcp.call`) are skipped; `[key]` points at
    a mapping's key node rather than its value.
    """
    node = root
    walked: list[Any] = []
    parts = list(loc)
    i = 0
    while i < len(parts):
        part = parts[i]
        if isinstance(node, SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        elif isinstance(node, MappingNode):
            pair = _find_key(node, part)
            if pair is None:
                type_node = _find_key(node, "type")
                if type_node is not None and getattr(type_node[1], "value", None) == part:
                    i += 1
                    continue
                break
            key_is_target = i + 1 < len(parts) and parts[i + 1] == "[key]"
            node = pair[0] if key_is_target else pair[1]
        else:
            break
        walked.append(part)
        i += 1
    return node, walked, parts[i:]


def _find_key(node: MappingNode, key: Any) -> tuple[Node, Node] | None:
    text = str(key).lower() if isinstance(key, bool) else str(key)
    for k, v in node.value:
        if isinstance(k, ScalarNode) and k.value == text:
            return k, v
    return None


def _find_path(root: Node, hit: Any) -> str | None:
    """The data path of the first node `hit(node)` accepts (used only when reporting)."""
    stack: list[tuple[Node, list[Any]]] = [(root, [])]
    while stack:
        node, parts = stack.pop()
        if hit(node):
            return format_where(parts)
        if isinstance(node, SequenceNode):
            stack.extend((child, parts + [i]) for i, child in enumerate(node.value))
        elif isinstance(node, MappingNode):
            for k, v in node.value:
                name = k.value if isinstance(k, ScalarNode) else "?"
                stack.append((k, parts + [name]))
                stack.append((v, parts + [name]))
    return None


def path_to(root: Node, target: Node) -> str:
    """The data path of a node."""
    return _find_path(root, lambda node: node is target) or "document"


def path_at_mark(root: Node, mark: Any) -> str:
    """The data path of the scalar starting at a mark."""
    return _find_path(root, lambda node: isinstance(node, ScalarNode)
                      and node.start_mark.index == mark.index) or "yaml"
