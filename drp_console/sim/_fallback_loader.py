"""A small strict YAML loader for scenarios, used only until `runbook.loader` exists."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Diagnostic:
    """One problem in a document, with its position."""

    path: str
    line: int
    col: int
    where: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.where}: {self.message}"


class InvalidDocument(Exception):
    """A document that cannot be loaded; `diagnostics` says where and why."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("\n".join(str(d) for d in diagnostics))
        self.diagnostics = diagnostics


def _where(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(document)"


def _plain(node: yaml.Node, loc: tuple, marks: dict, path: str) -> Any:
    marks[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = yaml.SafeLoader("").construct_object(key_node)
            if key in out:
                line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                raise InvalidDocument([Diagnostic(path, line, col, _where(loc + (key,)),
                                                  f"duplicate key {key!r}")])
            marks[loc + (key,) + ("__key__",)] = (key_node.start_mark.line + 1,
                                                  key_node.start_mark.column + 1)
            out[key] = _plain(value_node, loc + (key,), marks, path)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_plain(n, loc + (i,), marks, path) for i, n in enumerate(node.value)]
    return yaml.SafeLoader("").construct_object(node)


def load_document(path: Path, model_cls: type[BaseModel]) -> BaseModel:
    """Load `path` strictly into `model_cls`, raising InvalidDocument with positions."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InvalidDocument([Diagnostic(name, 1, 1, "(file)", exc.strerror or str(exc))]) from None
    if len(data) > MAX_BYTES:
        raise InvalidDocument([Diagnostic(name, 1, 1, "(file)", "file larger than 2 MiB")])
    try:
        text = data.decode("utf-8-sig")
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            mark = event.start_mark
            pos = (mark.line + 1, mark.column + 1)
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise InvalidDocument([Diagnostic(name, *pos, "(yaml)",
                                                  "anchors and aliases are not allowed")])
            if getattr(event, "tag", None) and not getattr(event, "implicit", True) in (True, (True, True)):
                raise InvalidDocument([Diagnostic(name, *pos, "(yaml)", "tags are not allowed")])
        nodes = list(yaml.compose_all(text, Loader=yaml.CSafeLoader))
    except UnicodeDecodeError:
        raise InvalidDocument([Diagnostic(name, 1, 1, "(file)", "not UTF-8 text")]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise InvalidDocument([Diagnostic(name, line, col, "(yaml)", str(exc.problem))]) from None
    if len(nodes) != 1:
        raise InvalidDocument([Diagnostic(name, 1, 1, "(document)",
                                          "expected exactly one YAML document")])
    marks: dict[tuple, tuple[int, int]] = {}
    plain = _plain(nodes[0], (), marks, name)
    try:
        return model_cls.model_validate(plain)
    except ValidationError as exc:
        diags = []
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))
            if err["type"] == "missing":
                loc = loc[:-1]
            probe = loc
            while probe not in marks and probe:
                probe = probe[:-1]
            line, col = marks.get(probe + ("__key__",)) if err["type"] == "extra_forbidden" \
                and probe + ("__key__",) in marks else marks.get(probe, (1, 1))
            diags.append(Diagnostic(name, line, col, _where(tuple(err["loc"])), err["msg"]))
        raise InvalidDocument(diags) from None
