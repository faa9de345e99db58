"""The budget one template rendering may spend: loop iterations, wall time, and output size.

The sandbox stops a template from reaching outside; this stops it from freezing the run.
Rendering happens on the engine's event loop, so a template may iterate at most
`MAX_ITERATIONS` times in all (every `for` and `range` counts), for at most
`MAX_RENDER_SECONDS`, and no value it prints, joins or concatenates may be longer than
`MAX_OUTPUT` characters (checked *before* the text is built, so `{{ [[1]*60000]*60000 }}` fails
at once instead of building gigabytes).
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from jinja2 import TemplateError, nodes

MAX_OUTPUT = 64 * 1024
"""Most characters a template or a computed string may produce."""
MAX_ITERATIONS = 100_000
"""Most loop iterations one rendering may make, all loops together."""
MAX_RANGE = 10_000
"""Most numbers one `range()` may give."""
MAX_RENDER_SECONDS = 1.0
"""Longest one rendering may take."""
MAX_VALUE = 4 * 1024 * 1024
"""Largest value (in printed characters, roughly) an expression may evaluate to."""


class TemplateLimitError(TemplateError):
    """A template tried to produce more, loop longer or take longer than the sandbox allows."""


class Budget:
    """What is left for one rendering."""

    def __init__(self) -> None:
        self.deadline = time.monotonic() + MAX_RENDER_SECONDS
        self.iterations = 0

    def tick(self, count: int = 1) -> None:
        """Spend loop iterations (and check the clock every so often)."""
        self.iterations += count
        if self.iterations > MAX_ITERATIONS:
            raise TemplateLimitError(f"more than {MAX_ITERATIONS:,} loop iterations")
        if self.iterations % 256 == 0:
            self.check_time()

    def check_time(self) -> None:
        """TemplateLimitError once the rendering has run out of time."""
        if time.monotonic() > self.deadline:
            raise TemplateLimitError(f"rendering took longer than {MAX_RENDER_SECONDS:g} s")


_current: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("template_budget",
                                                                         default=None)


@contextmanager
def budget() -> Iterator[Budget]:
    """A fresh budget for the rendering inside the `with` (nested uses share the outer one)."""
    outer = _current.get()
    if outer is not None:
        yield outer
        return
    mine = Budget()
    token = _current.set(mine)
    try:
        yield mine
    finally:
        _current.reset(token)


def current() -> Budget:
    """The budget of the rendering under way (a fresh one outside any)."""
    return _current.get() or Budget()


def counted(iterable: Iterable[Any]) -> Iterator[Any]:
    """An iterable whose every item is paid for from the current budget."""
    spend = current()
    for item in iterable:
        spend.tick()
        yield item


def bounded_range(*args: int) -> Iterator[int]:
    """`range()` for templates: at most MAX_RANGE numbers, each paid for."""
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise TemplateLimitError(f"a range of {len(numbers):,} numbers; at most {MAX_RANGE:,}")
    return counted(numbers)


def too_big(value: Any, limit: int = MAX_OUTPUT) -> bool:
    """Whether a value would print longer than `limit` characters (stops as soon as it knows)."""
    left = limit
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            left -= len(item)
        elif isinstance(item, Mapping):
            left -= 2 + 4 * len(item)
            if left >= 0:
                stack.extend(item.keys())
                stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            left -= 2 + 2 * len(item)
            if left >= 0:
                stack.extend(item)
        else:
            left -= 1
        if left < 0:
            return True
    return False


def check_size(value: Any, limit: int = MAX_OUTPUT) -> Any:
    """The value, unless it would print longer than `limit` (TemplateLimitError)."""
    if too_big(value, limit):
        raise TemplateLimitError(f"a value longer than {limit:,} characters")
    return value


def check_call(name: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    """Refuse a filter or method call whose result would outgrow MAX_OUTPUT before it runs."""
    current().check_time()
    values = list(args) + list(kwargs.values())
    for value in values:
        if isinstance(value, int) and not isinstance(value, bool) and value > MAX_OUTPUT:
            raise TemplateLimitError(f"{name} with {value:,}; at most {MAX_OUTPUT:,}")
        check_size(value)
    if name == "replace" and len(values) >= 3 and all(isinstance(v, str) for v in values[:3]):
        text, old, new = values[:3]
        grows = max(len(new) - len(old), 0) * (text.count(old) if old else len(text) + 1)
        if len(text) + grows > MAX_OUTPUT:
            raise TemplateLimitError(f"replace would make {len(text) + grows:,} characters; "
                                     f"at most {MAX_OUTPUT:,}")


def guarded_filter(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """A text-making filter that checks its inputs and its result against the budget."""

    def run(*args: Any, **kwargs: Any) -> Any:
        check_call(name, tuple(a for a in args if not _is_eval_context(a)), kwargs)
        return check_size(fn(*args, **kwargs))

    for attr in ("jinja_pass_arg",):
        if hasattr(fn, attr):
            setattr(run, attr, getattr(fn, attr))
    run.__name__ = getattr(fn, "__name__", name)
    return run


def _is_eval_context(value: Any) -> bool:
    return type(value).__name__ in ("EvalContext", "Context", "Environment")


def instrument(tree: nodes.Template) -> nodes.Template:
    """Make every `for` pay per item and every `~` check its parts before they are joined."""
    for loop in tree.find_all(nodes.For):
        loop.iter = _call("budget_iter", loop.iter)
    for concat in tree.find_all(nodes.Concat):
        concat.nodes = [_call("budget_size", part) for part in concat.nodes]
    return tree


def _call(attr: str, node: nodes.Node) -> nodes.Expr:
    call = nodes.Call(nodes.EnvironmentAttribute(attr), [node], [], None, None)
    call.set_lineno(node.lineno)
    return call


def stream(chunks: Iterable[str]) -> str:
    """Join a template's output as it is generated, stopping once it passes MAX_OUTPUT."""
    out: list[str] = []
    size = 0
    spend = current()
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_OUTPUT:
            raise TemplateLimitError(f"the text rendered to more than {MAX_OUTPUT:,} "
                                     "characters")
        spend.check_time()
        out.append(chunk)
    return "".join(out)
