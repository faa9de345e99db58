"""The runbook model's attribute docstrings as field descriptions, attached on demand.

The docstring under each field in `runbook.model` is that field's description in the JSON Schema
(`drp schema`, schema/runbook.schema.json). Reading them means parsing the model's source, which
pydantic's `use_attribute_docstrings` would do at every import of the model; here it is done
once, only when a schema is generated (`attach_field_docs`). Descriptions do not change what the
model accepts.
"""

from __future__ import annotations

import ast
import inspect
import threading

from pydantic import BaseModel

_lock = threading.Lock()
_attached = False


def _class_docs(tree: ast.Module) -> dict[str, dict[str, str]]:
    """Class name -> {field name: docstring} for the module's top-level classes."""
    out: dict[str, dict[str, str]] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        docs: dict[str, str] = {}
        for prev, stmt in zip(node.body, node.body[1:], strict=False):
            if (isinstance(prev, ast.AnnAssign) and isinstance(prev.target, ast.Name)
                    and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
                    and isinstance(stmt.value.value, str)):
                docs[prev.target.id] = inspect.cleandoc(stmt.value.value)
        out[node.name] = docs
    return out


def _own_fields(tree: ast.Module) -> dict[str, set[str]]:
    """Class name -> the field names its own body declares."""
    return {node.name: {s.target.id for s in node.body
                        if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)}
            for node in tree.body if isinstance(node, ast.ClassDef)}


def _inherited(cls: type[BaseModel], name: str) -> str | None:
    for base in cls.__mro__[1:]:
        fields = getattr(base, "__pydantic_fields__", None)
        if fields and name in fields:
            description: str | None = fields[name].description
            return description
    return None


def attach_field_docs() -> None:
    """Give every model field without a description its attribute docstring (idempotent)."""
    global _attached
    from drp_console.runbook import model

    with _lock:
        if _attached:
            return
        tree = ast.parse(inspect.getsource(model))
        docs, own = _class_docs(tree), _own_fields(tree)
        classes = [getattr(model, node.name) for node in tree.body
                   if isinstance(node, ast.ClassDef)]
        classes = [c for c in classes if isinstance(c, type) and issubclass(c, BaseModel)]
        for cls in classes:  # definition order: bases and nested models first
            for name, field in cls.model_fields.items():
                if field.description is not None:
                    continue
                if name in own.get(cls.__name__, ()):
                    field.description = docs.get(cls.__name__, {}).get(name)
                else:
                    field.description = _inherited(cls, name)
            cls.model_rebuild(force=True)
        _attached = True
