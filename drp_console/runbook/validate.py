"""Validation beyond the schema: the step graph, references, calls, templates, and DR smells."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from drp_console.runbook import residency, templating
from drp_console.runbook.catalog import CATALOG
from drp_console.runbook.diagnostics import Diagnostic, InvalidDocument
from drp_console.runbook.errors import describe_value, format_where, suggest
from drp_console.runbook.graph import ancestors_of, find_cycles
from drp_console.runbook.hazards import check_hazards
from drp_console.runbook.loader import load_document, locate
from drp_console.runbook.model import (
    DecisionStep,
    GcpStep,
    Runbook,
    ShellStep,
    WaitStep,
)
from drp_console.runbook.references import analyse
from drp_console.runbook.smells import check_smells

RUN_FIELDS = ("mode", "id", "operator", "project")
"""What `run.` offers templates."""
_PY_TYPES = {"integer": int, "boolean": bool, "object": dict, "array": list, "string": str}
_TYPE_WORDS = {"integer": "a whole number", "boolean": "true or false", "object": "a mapping",
               "array": "a list", "string": "text"}


def check(runbook: Runbook) -> list[Diagnostic]:
    """Every error and warning about a loaded runbook, in file order."""
    return sorted(_Checker(runbook).run(), key=Diagnostic.sort_key)


def validate_file(path: str | Path) -> tuple[Runbook | None, list[Diagnostic]]:
    """Load and check a runbook file: (the runbook or None, every diagnostic)."""
    try:
        runbook = load_document(path, Runbook)
    except InvalidDocument as exc:
        from drp_console.runbook.partial import check_around

        more = check_around(path, exc.diagnostics)
        return None, sorted(exc.diagnostics + more, key=Diagnostic.sort_key)
    return runbook, check(runbook)


class _Checker:
    def __init__(self, runbook: Runbook):
        self.rb = runbook
        self.out: list[Diagnostic] = []
        self.path = str(runbook.source_path) if runbook.source_path else "<runbook>"
        self.root = runbook._root_node
        self.ids = [s.id for s in runbook.steps]
        self.known = set(self.ids)

    def add(self, loc: tuple[Any, ...], message: str, severity: str = "error") -> None:
        line = col = 0
        where = list(loc)
        if self.root is not None:
            node, _, _ = locate(self.root, loc)
            line, col = node.start_mark.line + 1, node.start_mark.column + 1
        where = [p for p in where if p != "[key]"]
        self.out.append(Diagnostic(self.path, line, col, format_where(where), message,
                                   severity))  # type: ignore[arg-type]

    def warn(self, loc: tuple[Any, ...], message: str) -> None:
        self.add(loc, message, "warning")

    def run(self) -> list[Diagnostic]:
        self.check_parameters()
        self.check_ids()
        graph_ok = self.check_needs()
        self.ancestors = ancestors_of(self.rb) if graph_ok else None
        for i, step in enumerate(self.rb.steps):
            self.check_step(i, step)
        if self.ancestors is not None:
            check_smells(self)
        check_hazards(self)
        self.check_residency()
        return self.out

    def check_residency(self) -> None:
        """Literal zones and regions outside `allowed_regions` (or the project's drp.toml)."""
        try:
            found = residency.refusals(self.rb)
        except residency.ResidencyConfigError as exc:
            self.add(("allowed_regions",) if self.rb.allowed_regions else (), str(exc))
            return
        for i, key, message in found:
            self.add(("steps", i, "with", key), message)

    # -- parameters, ids, the graph ------------------------------------------------------------
    def check_parameters(self) -> None:
        for name, spec in self.rb.parameters.items():
            loc = ("parameters", name)
            if spec.pattern is not None:
                try:
                    re.compile(spec.pattern)
                except re.error as exc:
                    self.add(loc + ("pattern",), f"not a regular expression: {exc}")
                    continue
            if spec.default is None:
                continue
            text = str(spec.default).lower() if isinstance(spec.default, bool) else \
                str(spec.default)
            if spec.choices is not None and text not in [str(c) for c in spec.choices]:
                self.add(loc + ("default",), f"the default {text!r} is not one of the choices")
            if spec.pattern is not None and re.fullmatch(spec.pattern, text) is None:
                self.add(loc + ("default",), f"the default {text!r} does not match the pattern")

    def check_ids(self) -> None:
        first: dict[str, int] = {}
        for i, step_id in enumerate(self.ids):
            if step_id in first:
                self.add(("steps", i, "id"), f"duplicate step id '{step_id}' (first at "
                         f"steps[{first[step_id]}]): step ids must be unique")
            else:
                first[step_id] = i

    def check_needs(self) -> bool:
        ok = True
        for i, step in enumerate(self.rb.steps):
            seen: set[str] = set()
            for j, need in enumerate(step.needs or ()):
                loc = ("steps", i, "needs", j)
                if need == step.id:
                    self.add(loc, f"step '{step.id}' needs itself: remove it from needs")
                    ok = False
                elif need not in self.known:
                    self.add(loc, f"unknown step '{need}' in needs"
                             + (suggest(need, self.ids) or ": name a step of this runbook"))
                    ok = False
                elif need in seen:
                    self.add(loc, f"'{need}' is named twice in needs")
                seen.add(need)
        if not ok or len(self.known) != len(self.ids):
            return False
        for cycle in find_cycles(self.rb):
            i, j = self._cycle_edge(cycle)
            names = " -> ".join(cycle + [cycle[0]])
            self.add(("steps", i, "needs", j), f"needs cycle: {names} (each needs the next): "
                     "remove one of these needs")
            ok = False
        return ok

    def _cycle_edge(self, cycle: list[str]) -> tuple[int, int]:
        """The explicit `needs` entry to blame: a forward reference on the cycle, if any."""
        edges = []
        for a, b in zip(cycle, cycle[1:] + cycle[:1], strict=True):
            step = self.rb.step(a)
            if step.needs and b in step.needs:
                edges.append((self.rb.position(a), step.needs.index(b), self.rb.position(b)))
        edges.sort(key=lambda e: (e[2] < e[0], e[0]))
        return edges[0][0], edges[0][1]

    # -- one step ----------------------------------------------------------------------------
    def check_step(self, i: int, step: Any) -> None:
        loc = ("steps", i)
        if step.role is not None and step.role not in self.rb.roles:
            self.add(loc + ("role",), f"unknown role '{step.role}'"
                     + (suggest(step.role, self.rb.roles) or ": declare it under roles"
                        + (f" (declared: {', '.join(self.rb.roles)})" if self.rb.roles else "")))
        if step.on_failure not in ("abort", "continue"):
            if step.on_failure == step.id:
                self.add(loc + ("on_failure",), "a step cannot be its own recovery path")
            elif step.on_failure not in self.known:
                self.add(loc + ("on_failure",), f"unknown step '{step.on_failure}': on_failure "
                         "is abort, continue or a step id"
                         + suggest(step.on_failure, self.ids + ["abort", "continue"]))
            elif self.ancestors and step.on_failure in self.ancestors[step.id]:
                self.add(loc + ("on_failure",), f"step '{step.on_failure}' runs before "
                         f"'{step.id}', so it cannot be its recovery path")
        if isinstance(step, (GcpStep, WaitStep)):
            self.check_call(i, step)
        if isinstance(step, WaitStep) and step.timeout is None:
            self.add(loc, "a wait step needs a timeout: how long to keep trying")
        if isinstance(step, DecisionStep):
            self.check_decision(i, step)
        for where, text, kind in self.texts(step):
            self.check_text(i, step, where, text, kind)

    def check_call(self, i: int, step: GcpStep | WaitStep) -> None:
        loc = ("steps", i)
        call = CATALOG.get(step.call)
        if call is None:
            self.add(loc + ("call",), f"unknown call '{step.call}'"
                     + (suggest(step.call, CATALOG) or ": see the action catalog in RUNBOOKS.md"))
            return
        if isinstance(step, WaitStep) and call.mutating:
            self.add(loc + ("call",), f"a wait step repeats its call, and {call.name} changes "
                     "things: use a read call (get or list)")
        args = step.with_
        for name, spec in call.args.items():
            if spec.required and name not in args:
                self.add(loc + ("with",), f"{call.name} needs the argument '{name}'"
                         + (f" ({spec.description})" if spec.description else ""))
        if call.name == "compute.instances.insert":
            sources = [a for a in ("sourceInstanceTemplate", "sourceMachineImage",
                                   "sourceSnapshot") if a in args]
            if len(sources) != 1:
                self.add(loc + ("with",), "compute.instances.insert needs exactly one of "
                         "sourceInstanceTemplate, sourceMachineImage or sourceSnapshot")
            elif sources == ["sourceSnapshot"] and "machineType" not in args:
                self.add(loc + ("with",), "compute.instances.insert from a sourceSnapshot needs "
                         "machineType (a template or machine image gives its own)")
        for name, value in args.items():
            arg = call.args.get(name)
            if arg is None:
                self.add(loc + ("with", name, "[key]"), f"{call.name} has no argument '{name}'"
                         + (suggest(name, call.args) or f": it takes {', '.join(call.args)}"))
                continue
            if templating.is_template(value):
                continue
            want = _PY_TYPES[arg.type]
            if not isinstance(value, want) or (want is int and isinstance(value, bool)):
                got = describe_value(value)
                hint = ": write it in quotes" if arg.type == "string" and value is not None else ""
                self.add(loc + ("with", name), f"'{name}' is {_TYPE_WORDS[arg.type]}, got "
                         f"{got}{hint}")

    def check_decision(self, i: int, step: DecisionStep) -> None:
        loc = ("steps", i)
        for label, target in step.options.items():
            where = loc + ("options", label)
            if target == step.id:
                self.add(where, f"option '{label}' leads back to this decision")
            elif target not in self.known:
                self.add(where, f"option '{label}' leads to unknown step '{target}'"
                         + suggest(target, self.ids))
            elif self.ancestors and target in self.ancestors[step.id]:
                self.add(where, f"option '{label}' leads to '{target}', which runs before this "
                         "decision")
        if step.recommended is not None and step.recommended not in step.options:
            self.add(loc + ("recommended",), f"'{step.recommended}' is not one of the options"
                     + (suggest(step.recommended, step.options) or
                        f": choose one of {', '.join(step.options)}"))

    # -- templates and expressions -----------------------------------------------------------
    @staticmethod
    def texts(step: Any) -> list[tuple[tuple[Any, ...], str, str]]:
        """(location, text, `template` or `expression`) for every templated field."""
        out: list[tuple[tuple[Any, ...], str, str]] = []
        for name in ("instructions", "explain", "confirm", "prompt", "cwd"):
            value = getattr(step, name, None)
            if isinstance(value, str):
                out.append(((name,), value, "template"))
        for name in ("when", "check", "until"):
            value = getattr(step, name, None)
            if isinstance(value, str):
                out.append(((name,), value, "expression"))
        for key, expr in (getattr(step, "outputs", None) or {}).items():
            out.append((("outputs", key), expr, "expression"))
        if isinstance(step, ShellStep):
            out.extend(((("run", j), arg, "template") for j, arg in enumerate(step.run)))
            out.extend(((("env", k), v, "template") for k, v in step.env.items()))
        if isinstance(step, (GcpStep, WaitStep)):
            stack: list[tuple[tuple[Any, ...], Any]] = [(("with",), step.with_)]
            while stack:
                where, value = stack.pop()
                if isinstance(value, str):
                    out.append((where, value, "template"))
                elif isinstance(value, dict):
                    stack.extend((where + (k,), v) for k, v in value.items())
                elif isinstance(value, list):
                    stack.extend((where + (j,), v) for j, v in enumerate(value))
        return out

    def check_text(self, i: int, step: Any, where: tuple[Any, ...], text: str, kind: str) -> None:
        if kind == "template" and not templating.is_template(text):
            return
        loc = ("steps", i) + where
        found = analyse(text, kind)
        if found.error is not None:
            self.add(loc, found.error)
            return
        has_result = isinstance(step, (GcpStep, WaitStep)) and where[0] in (
            "check", "until", "outputs")
        scope = {"params", "steps", "run"} | ({"result"} if has_result else set())
        for name in sorted(found.names):
            if name in scope or name in templating.ENV.globals:
                continue
            if name == "result":
                self.add(loc, "'result' is only known in check, until and outputs of gcp and "
                         "wait steps")
            else:
                self.add(loc, f"unknown name '{name}': use {', '.join(sorted(scope))}"
                         + suggest(name, scope))
        for path in found.paths:
            self.check_path(loc, step, path)

    def check_path(self, loc: tuple[Any, ...], step: Any, path: tuple[str, ...]) -> None:
        root, size = path[0], len(path)
        if root == "params" and size == 2 and path[1] not in self.rb.parameters:
            self.add(loc, f"unknown parameter '{path[1]}'" + (
                suggest(path[1], self.rb.parameters) or ": declare it under parameters"))
        elif root == "run" and size == 2 and path[1] not in RUN_FIELDS:
            self.add(loc, f"run has no '{path[1]}': use run.{', run.'.join(RUN_FIELDS)}")
        elif root != "steps" or size < 2:
            return
        elif size == 2:
            self.check_step_reference(loc, step, path[1])
        elif path[1] not in self.known:
            return
        elif size == 3 and path[2] not in ("outputs", "status"):
            self.add(loc, f"steps['{path[1]}'] has outputs and status, not '{path[2]}'")
        elif size == 4 and path[2] == "outputs":
            declared = getattr(self.rb.step(path[1]), "outputs", None)
            if declared is not None and path[3] not in declared:
                self.add(loc, f"step '{path[1]}' has no output '{path[3]}'" + (
                    suggest(path[3], declared) or ": declare it under its outputs"))

    def check_step_reference(self, loc: tuple[Any, ...], step: Any, ref: str) -> None:
        if ref == step.id:
            self.add(loc, f"step '{ref}' cannot read its own outputs or status")
        elif ref not in self.known:
            self.add(loc, f"unknown step '{ref}'" + suggest(ref, self.ids))
        elif self.ancestors is not None and ref not in self.ancestors[step.id]:
            self.add(loc, f"step '{ref}' cannot have run before '{step.id}': add it to "
                     f"'{step.id}'s needs (directly or through a step it needs)")
