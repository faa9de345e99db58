"""The step graph: needs cycles, what runs before what, parallel groups and the critical path."""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from typing import TYPE_CHECKING

from drp_console.runbook.model import DecisionStep

if TYPE_CHECKING:
    from drp_console.runbook.model import Runbook


def find_cycles(runbook: Runbook) -> list[list[str]]:
    """Each `needs` cycle once, as ids where each needs the next (Tarjan, no recursion)."""
    ids = [s.id for s in runbook.steps]
    edges = {sid: [n for n in runbook.needs(sid) if runbook.has_step(n)] for sid in ids}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    cycles: list[list[str]] = []
    counter = 0
    for start in ids:
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(edges[start]))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, it = work[-1]
            advanced = False
            for nxt in it:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(edges[nxt])))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    cycles.append(_cycle_in(set(component), edges, runbook))
    return cycles


def _cycle_in(component: set[str], edges: dict[str, list[str]], runbook: Runbook) -> list[str]:
    """One cycle through a strongly connected component, starting at its first step in file."""
    start = min(component, key=runbook.position)
    parent: dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt_frontier = []
        for node in frontier:
            for nxt in edges[node]:
                if nxt not in component:
                    continue
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(parent[path[-1]])
                    return list(reversed(path))
                if nxt not in parent:
                    parent[nxt] = node
                    nxt_frontier.append(nxt)
        frontier = nxt_frontier
    return sorted(component, key=runbook.position)


def _topo(ids: list[str], deps: dict[str, set[str]]) -> list[str] | None:
    """Kahn's algorithm, earliest in file first among ready steps; None on a cycle."""
    pos = {sid: i for i, sid in enumerate(ids)}
    waiting = {sid: len(deps[sid]) for sid in ids}
    users: dict[str, list[str]] = {sid: [] for sid in ids}
    for sid in ids:
        for d in deps[sid]:
            users[d].append(sid)
    ready = [pos[sid] for sid in ids if waiting[sid] == 0]
    heapq.heapify(ready)
    result: list[str] = []
    while ready:
        sid = ids[heapq.heappop(ready)]
        result.append(sid)
        for user in users[sid]:
            waiting[user] -= 1
            if waiting[user] == 0:
                heapq.heappush(ready, pos[user])
    return result if len(result) == len(ids) else None


def order(runbook: Runbook) -> list[str]:
    """Step ids in an order where every step comes after its needs (file order where free)."""
    ids = [s.id for s in runbook.steps]
    result = _topo(ids, {sid: set(runbook.needs(sid)) for sid in ids})
    if result is None:
        raise ValueError("the needs graph has a cycle")
    return result


def _conditional_sources(runbook: Runbook) -> dict[str, set[str]]:
    """Target step -> the steps whose decision or failure leads to it."""
    out: dict[str, set[str]] = {}
    for step in runbook.steps:
        if isinstance(step, DecisionStep):
            for target in step.options.values():
                out.setdefault(target, set()).add(step.id)
        if step.on_failure not in ("abort", "continue"):
            out.setdefault(step.on_failure, set()).add(step.id)
    return out


class Ancestry:
    """What must have run before each step: its needs, transitively, and for the targets of a
    decision or on_failure, the step that chose them. Bit sets, so 1,000 steps stay cheap."""

    def __init__(self, runbook: Runbook):
        self.ids = [s.id for s in runbook.steps]
        self.bit = {sid: 1 << i for i, sid in enumerate(self.ids)}
        deps = {sid: {n for n in runbook.needs(sid) if n in self.bit} for sid in self.ids}
        for target, sources in _conditional_sources(runbook).items():
            if target in deps:
                deps[target] |= sources - {target}
        plain = {sid: {n for n in runbook.needs(sid) if n in self.bit} for sid in self.ids}
        self.deps = deps if _topo(self.ids, deps) is not None else plain
        self.topo = _topo(self.ids, self.deps) or []
        self.masks: dict[str, int] = {}
        for sid in self.topo:
            mask = 0
            for d in self.deps[sid]:
                mask |= self.masks[d] | self.bit[d]
            self.masks[sid] = mask

    def before(self, earlier: str, later: str) -> bool:
        """Whether `earlier` must have run (or been skipped) before `later` starts."""
        return bool(self.masks.get(later, 0) & self.bit.get(earlier, 0))

    def __getitem__(self, step_id: str) -> _Members:
        return _Members(self, step_id)

    def descendants_mask(self) -> dict[str, int]:
        """Step id -> bit set of the steps that come after it."""
        out = {sid: 0 for sid in self.ids}
        for sid in reversed(self.topo):
            for d in self.deps[sid]:
                out[d] |= out[sid] | self.bit[sid]
        return out

    def ids_in(self, mask: int) -> list[str]:
        """The step ids in a bit set."""
        return [sid for sid in self.ids if mask & self.bit[sid]]


class _Members:
    """`x in ancestry[step]`."""

    def __init__(self, ancestry: Ancestry, step_id: str):
        self.ancestry = ancestry
        self.step_id = step_id

    def __contains__(self, other: object) -> bool:
        return isinstance(other, str) and self.ancestry.before(other, self.step_id)


def parallel_steps(runbook: Runbook, ancestry: Ancestry | None = None) -> set[str]:
    """Steps that may run beside another step: neither must run before the other. Steps that
    run only when chosen (decision targets, on_failure steps) are left out: they are
    alternatives, not branches."""
    ancestry = ancestry or Ancestry(runbook)
    conditional = runbook.conditional_targets()
    after = ancestry.descendants_mask()
    plain = 0
    for sid in ancestry.ids:
        if sid not in conditional:
            plain |= ancestry.bit[sid]
    out: set[str] = set()
    for sid in ancestry.ids:
        if sid in conditional:
            continue
        related = ancestry.masks.get(sid, 0) | after[sid] | ancestry.bit[sid]
        if plain & ~related:
            out.add(sid)
    return out


def ancestors_of(runbook: Runbook) -> Ancestry:
    """The Ancestry of a runbook whose needs graph has no cycle."""
    return Ancestry(runbook)
