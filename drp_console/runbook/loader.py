"""Strict YAML loading with a file:line:col position for every error.

YAML 1.1 as PyYAML reads it surprises authors (`NO` is false, `010` is 8) and has features a
runbook never needs but an attacker can use (aliases multiply data, tags build objects). The
loader parses with libyaml (`CSafeLoader`, ~7x faster than pure Python), rejects anchors,
aliases, tags, duplicate keys, several documents and those YAML 1.1 readings, caps size, depth
and list lengths, and maps every pydantic error back to the YAML node it came from.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from drp_console.runbook.diagnostics import Diagnostic, InvalidDocument
from drp_console.runbook.locate import diag_at, locate, map_validation_error, path_at_mark, path_to
from drp_console.runbook.yaml_tabs import (
    MAX_TAB_ERRORS,
    TAB_MESSAGE,
    TabIndent,
    tab_at,
    untab,
)

if TYPE_CHECKING:
    from drp_console.runbook.model import Runbook

__all__ = ["Diagnostic", "InvalidDocument", "load_document", "load_runbook", "locate",
           "MAX_BYTES", "MAX_ITEMS", "MAX_DEPTH"]

MAX_BYTES = 2 * 1024 * 1024
"""Largest file read; a 1,000-step runbook is about 400 KB."""
MAX_ITEMS = 5000
"""Longest list (steps, scenario resources)."""
MAX_DEPTH = 64
"""Deepest nesting of mappings and lists."""

M = TypeVar("M", bound=BaseModel)
_BOOL_WORDS = ("true", "false")
_SURPRISING_INT = re.compile(r"^[-+]?(0[0-9_]+|0o[0-7_]+|.*[_:].*)$")


class _Problem(Exception):
    def __init__(self, node_or_mark: Any, message: str):
        self.mark = getattr(node_or_mark, "start_mark", node_or_mark)
        self.message = message


class StrictLoader(yaml.CSafeLoader):
    """`CSafeLoader` that collects duplicate keys and YAML 1.1 surprises as problems."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self.problems: list[_Problem] = []

    def construct_mapping(self, node: Node, deep: bool = False) -> dict[Any, Any]:
        if not isinstance(node, MappingNode):
            raise _Problem(node, "expected a mapping (key: value lines)")
        mapping: dict[Any, Any] = {}
        first: dict[Any, Node] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problems.append(_Problem(key_node, "merge keys (<<) are not allowed: "
                                              "write the keys out"))
                continue
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, (list, dict)):
                self.problems.append(_Problem(key_node, "a key must be a plain value"))
                continue
            if key in mapping:
                line = first[key].start_mark.line + 1
                self.problems.append(_Problem(
                    key_node, f"duplicate key '{key}' (first at line {line}): keep one"))
                continue
            first[key] = key_node
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping

    def construct_yaml_bool(self, node: ScalarNode) -> bool:
        value = super().construct_yaml_bool(node)
        if node.value.lower() not in _BOOL_WORDS:
            self.problems.append(_Problem(node, yaml_surprise(node.value, value)))
        return value

    def construct_yaml_int(self, node: ScalarNode) -> int:
        value = super().construct_yaml_int(node)
        if _SURPRISING_INT.match(node.value):
            self.problems.append(_Problem(node, yaml_surprise(node.value, value)))
        return value

    def construct_yaml_float(self, node: ScalarNode) -> float:
        value = super().construct_yaml_float(node)
        if ":" in node.value or "_" in node.value:
            self.problems.append(_Problem(node, yaml_surprise(node.value, value)))
        return value

    def construct_yaml_timestamp(self, node: ScalarNode) -> str:  # type: ignore[override]
        return str(node.value)  # times stay text: the API wants RFC 3339 strings


StrictLoader.add_constructor("tag:yaml.org,2002:bool", StrictLoader.construct_yaml_bool)
StrictLoader.add_constructor("tag:yaml.org,2002:int", StrictLoader.construct_yaml_int)
StrictLoader.add_constructor("tag:yaml.org,2002:float", StrictLoader.construct_yaml_float)
StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", StrictLoader.construct_yaml_timestamp)


def yaml_surprise(text: str, value: Any) -> str:
    """The message for a plain scalar YAML 1.1 reads as something other than its text."""
    if isinstance(value, bool):
        word = "true" if value else "false"
        return (f"YAML reads {text} as {word}: write {word} for a yes/no value, "
                f'or "{text}" in quotes for the text')
    return (f"YAML reads {text} as the number {value}: write \"{text}\" in quotes for the text, "
            f"or {value} for the number")


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _open_regular(path: Path, shown: str) -> BinaryIO:
    """The file opened for reading; InvalidDocument for a FIFO, device or socket (never blocks:
    opening a FIFO waits for a writer, reading one waits for ever)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(path)
        if not stat.S_ISREG(mode):
            kind = "a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "not a regular file"
            raise InvalidDocument([Diagnostic(shown, 0, 0, "file", f"is {kind}: give a YAML "
                                              "file")])
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def _read_text(path: Path, shown: str) -> tuple[str, bytes]:
    try:
        with _open_regular(path, shown) as f:
            raw = f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InvalidDocument([Diagnostic(shown, 0, 0, "file", "no such file")]) from None
    except IsADirectoryError:
        raise InvalidDocument([Diagnostic(shown, 0, 0, "file", "is a directory")]) from None
    except OSError as exc:
        raise InvalidDocument([Diagnostic(shown, 0, 0, "file", f"cannot read: {exc.strerror}")]) \
            from None
    if len(raw) > MAX_BYTES:
        size = path.stat().st_size / 1024 / 1024
        raise InvalidDocument([Diagnostic(
            shown, 1, 1, "file",
            f"the file is {size:.1f} MiB; a document may be at most {MAX_BYTES // 1024 // 1024} "
            "MiB: split it")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InvalidDocument([Diagnostic(
            shown, line, col, "file",
            f"byte 0x{raw[exc.start]:02x} is not UTF-8: save the file as UTF-8")]) from None
    if not text.strip():
        raise InvalidDocument([Diagnostic(
            shown, 1, 1, "file", "the file is empty: a document needs at least its format, id "
            "and title")])
    return text, raw


def _scan_events(text: str, shown: str) -> None:
    """Reject aliases, anchors and tags: every one at its own position. An alias is named once,
    with how often it is used (a bomb uses one a thousand times); an anchor only when no alias
    uses it (writing the value out removes both)."""
    aliases: dict[str, list[Any]] = {}
    anchors: dict[str, Any] = {}
    found: list[Diagnostic] = []
    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        if isinstance(event, yaml.AliasEvent):
            aliases.setdefault(str(event.anchor), []).append(event.start_mark)
            continue
        name = getattr(event, "anchor", None)
        if name is not None:
            anchors.setdefault(str(name), event.start_mark)
        tag = getattr(event, "tag", None)
        if tag is not None:
            shown_tag = tag.replace("tag:yaml.org,2002:", "!!")
            found.append(diag_at(shown, event.start_mark, "yaml",
                               f"tags ({shown_tag}) are not allowed: remove the tag, and quote "
                               "the value if it is text"))
    for name, marks in aliases.items():
        more = f" (used {len(marks)} times)" if len(marks) > 1 else ""
        found.append(diag_at(shown, marks[0], "yaml", f"aliases (*{name}) are not allowed{more}: "
                           "write the value out in full"))
    found += [diag_at(shown, mark, "yaml", f"anchors (&{name}) are not allowed: remove the anchor")
              for name, mark in anchors.items() if name not in aliases]
    if found:
        raise InvalidDocument(sorted(found, key=Diagnostic.sort_key))


def _check_shape(root: Node, shown: str) -> None:
    """Depth and list-length caps, without recursion."""
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InvalidDocument([diag_at(shown, node.start_mark, "yaml",
                                         f"nested more than {MAX_DEPTH} levels deep")])
        if isinstance(node, SequenceNode):
            if len(node.value) > MAX_ITEMS:
                raise InvalidDocument([diag_at(
                    shown, node.start_mark, path_to(root, node),
                    f"a list of {len(node.value):,} items; at most {MAX_ITEMS:,} are allowed")])
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, MappingNode):
            stack.extend((child, depth + 1) for pair in node.value for child in pair)


def parse_yaml(path: str | Path) -> tuple[Any, Node, bytes]:
    """The data, root node and raw bytes of a strict YAML file; InvalidDocument on any problem."""
    data, root, raw, problems = _parse(path)
    if problems:
        raise InvalidDocument(problems)
    return data, root, raw


def _parse(path: str | Path) -> tuple[Any, Node, bytes, list[Diagnostic]]:
    """Like `parse_yaml`, but problems found while building the data (duplicate keys, YAML 1.1
    surprises) are returned with it, so the schema can report its errors beside them."""
    shown = str(path)
    text, raw = _read_text(Path(path), shown)
    tabs: list[Diagnostic] = []
    for _ in range(MAX_TAB_ERRORS):
        try:
            parsed = _parse_text(text, raw, shown)
        except TabIndent as tab:  # name it, then look past it for the file's other problems
            tabs.append(Diagnostic(shown, tab.line + 1, tab.column + 1, "yaml", TAB_MESSAGE))
            text = untab(text, tab.line)
            continue
        except InvalidDocument as exc:  # the rest of the syntax, read with the tabs replaced
            raise InvalidDocument(tabs + exc.diagnostics) from None
        if tabs:  # the indentation was guessed: the schema would judge the guess, not the file
            raise InvalidDocument(tabs + parsed[3])
        return parsed
    raise InvalidDocument(tabs)


def _parse_text(text: str, raw: bytes, shown: str) -> tuple[Any, Node, bytes, list[Diagnostic]]:
    try:
        if "&" in text or "*" in text or "!" in text:
            _scan_events(text, shown)
        loader = StrictLoader(text)
        try:
            root = loader.get_single_node()
            if root is None:
                raise InvalidDocument([Diagnostic(shown, 1, 1, "file", "the file has no "
                                                  "content, only comments")])
            _check_shape(root, shown)
            data = loader.construct_document(root)
        finally:
            loader.dispose()
    except _Problem as exc:
        raise InvalidDocument([diag_at(shown, exc.mark, "yaml", exc.message)]) from None
    except yaml.reader.ReaderError as exc:
        line, col = _position(text, exc.position)
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise InvalidDocument([Diagnostic(shown, line, col, "yaml",
                                          f"the character U+{code:04X} is not allowed in YAML: "
                                          "remove it")]) from None
    except yaml.MarkedYAMLError as exc:
        tab = tab_at(text, exc)
        if tab is not None:
            raise tab from None
        raise InvalidDocument([_yaml_error(shown, exc)]) from None
    except RecursionError:
        raise InvalidDocument([Diagnostic(shown, 1, 1, "yaml", "nested too deeply")]) from None
    problems = [diag_at(shown, p.mark, path_at_mark(root, p.mark), p.message)
                for p in loader.problems]
    return data, root, raw, problems


def _yaml_error(shown: str, exc: yaml.MarkedYAMLError) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "invalid YAML"
    if "expected a single document" in (exc.context or ""):
        return diag_at(shown, mark, "yaml", "a second document (---) in the file: a file holds "
                     "one document")
    if "could not determine a constructor" in problem:
        return diag_at(shown, mark, "yaml", "tags are not allowed: remove the tag")
    if "maximum nesting depth" in problem:
        return diag_at(shown, mark, "yaml", f"nested too deeply ({problem})")
    context = f" ({exc.context})" if exc.context else ""
    return diag_at(shown, mark, "yaml", f"invalid YAML: {problem}{context}")


def load_document(path: str | Path, model_cls: type[M]) -> M:
    """Read a strict YAML file into `model_cls`; InvalidDocument with every problem otherwise
    (the YAML's own, such as duplicate keys, together with the schema's)."""
    data, root, raw, problems = _parse(path)
    shown = str(path)
    if not isinstance(data, dict):
        raise InvalidDocument(problems + [diag_at(
            shown, root.start_mark, "document",
            "the top level must be a mapping (key: value lines)")])
    try:
        doc = model_cls.model_validate(data)
    except ValidationError as exc:
        said = {(p.line, p.col) for p in problems}  # a YAML surprise explains its own value
        found = problems + [d for d in map_validation_error(exc, root, shown, model_cls)
                            if (d.line, d.col) not in said]
        raise InvalidDocument(found) from None
    if problems:
        raise InvalidDocument(problems)
    private = getattr(model_cls, "__private_attributes__", {})
    if "_source_hash" in private:
        doc._source_hash = hashlib.sha256(raw).hexdigest()  # type: ignore[attr-defined]
    if "_source_path" in private:
        doc._source_path = Path(path)  # type: ignore[attr-defined]
    if "_root_node" in private:
        doc._root_node = root  # type: ignore[attr-defined]
    return doc


def load_runbook(path: str | Path) -> Runbook:  # Runbook imported lazily: validate imports loader
    """Load and validate a runbook; InvalidDocument when it has any error (warnings pass)."""
    from drp_console.runbook.model import Runbook
    from drp_console.runbook.validate import check

    runbook = load_document(path, Runbook)
    diagnostics = check(runbook)
    if any(d.is_error for d in diagnostics):
        raise InvalidDocument(diagnostics)
    return runbook
