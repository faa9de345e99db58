"""Templates and expressions in a Jinja2 sandbox: strict names, bounded output, REST-shaped data.

Mappings are records here: `result.items` is the API's `items` field, never `dict.items`, and a
missing field is an error rather than a method. Output is bounded because the sandbox alone does
not stop `'A' * 10**8`; loops, time and sizes are budgeted (`template_budget`), because a
template renders on the engine's event loop and must never freeze the run.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, nodes
from jinja2.environment import TemplateExpression
from jinja2.parser import Parser
from jinja2.sandbox import SandboxedEnvironment

from drp_console.runbook import template_budget as tb
from drp_console.runbook.catalog import Call
from drp_console.runbook.template_budget import MAX_OUTPUT, TemplateLimitError

__all__ = ["MAX_OUTPUT", "MAX_POWER", "TemplateLimitError"]

MAX_POWER = 1000
"""Largest exponent `**` may take."""
_TEXT_FILTERS = ("center", "format", "indent", "join", "pprint", "replace", "string", "tojson",
                 "truncate", "urlencode", "wordwrap", "xmlattr", "filesizeformat", "trim")
"""Filters that build text: their inputs and result are size-checked."""


class RunbookEnvironment(SandboxedEnvironment):
    """The sandbox runbooks are rendered in."""

    intercepted_binops = frozenset(["*", "**", "+"])

    def __init__(self, **options: Any) -> None:
        super().__init__(finalize=tb.check_size, **options)
        self.globals["range"] = tb.bounded_range
        for name in _TEXT_FILTERS:
            if name in self.filters:
                self.filters[name] = tb.guarded_filter(name, self.filters[name])
        self.budget_iter = tb.counted
        self.budget_size = tb.check_size

    def _generate(self, source: nodes.Template, *args: Any, **kwargs: Any) -> str:
        return super()._generate(tb.instrument(source), *args, **kwargs)

    def call(self, context: Any, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        if obj is not tb.bounded_range and obj is not tb.counted:
            bound = getattr(obj, "__self__", None)  # 'text'.replace(...): the text counts too
            given = (bound, *args) if isinstance(bound, (str, list, tuple)) else args
            tb.check_call(getattr(obj, "__name__", "a call"), given, kwargs)
        result = super().call(context, obj, *args, **kwargs)
        return tb.check_size(result) if isinstance(result, str) else result

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, Mapping):
            try:
                return obj[attribute]
            except (KeyError, TypeError):
                return self._missing(obj, attribute)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(obj, StepsView) and argument not in obj:
            return self._missing(obj, argument)
        return super().getitem(obj, argument)

    def _missing(self, obj: Any, name: Any) -> Any:
        """The undefined value of a missing field (or step: said so)."""
        if isinstance(obj, StepsView):
            return self.undefined(hint=f"there is no step {name!r}")
        return self.undefined(obj=obj, name=name)

    def call_binop(self, context: Any, op: str, left: Any, right: Any) -> Any:
        if op == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(count, int) \
                        and len(seq) * count > MAX_OUTPUT:
                    raise TemplateLimitError(f"a value longer than {MAX_OUTPUT:,} characters")
            return operator.mul(left, right)
        if op == "+" and isinstance(left, (str, list, tuple)) and type(left) is type(right):
            if len(left) + len(right) > MAX_OUTPUT:
                raise TemplateLimitError(f"a value longer than {MAX_OUTPUT:,} items")
            return operator.add(left, right)
        if op == "**":
            if isinstance(right, (int, float)) and abs(right) > MAX_POWER:
                raise TemplateLimitError(f"an exponent larger than {MAX_POWER}")
            return operator.pow(left, right)
        return super().call_binop(context, op, left, right)


ENV = RunbookEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
"""The one environment: strict undefined names, no autoescape (runbook text is not HTML)."""


@lru_cache(maxsize=4096)
def _template(text: str) -> Template:
    return ENV.from_string(text)


@lru_cache(maxsize=4096)
def _expression(expr: str) -> TemplateExpression:
    return ENV.compile_expression(expr, undefined_to_none=False)


def is_template(text: Any) -> bool:
    """Whether a string holds template syntax."""
    return isinstance(text, str) and ("{{" in text or "{%" in text or "{#" in text)


class StepsView(Mapping[str, dict[str, Any]]):
    """`steps` as templates see it: a step's entry (`outputs`, `status`) is copied when a
    template reads it, not every step's on every render (a render costs the same in a
    1,000-step runbook as in a 3-step one)."""

    def __init__(self, steps: Mapping[str, Mapping[str, Any]]) -> None:
        self._steps = steps

    def __getitem__(self, step_id: str) -> dict[str, Any]:
        return dict(self._steps[step_id])

    def __iter__(self) -> Iterator[str]:
        return iter(self._steps)

    def __len__(self) -> int:
        return len(self._steps)

    def __repr__(self) -> str:
        return repr(dict(self))


def context(params: Mapping[str, Any] | None = None, steps: Mapping[str, Any] | None = None,
            run: Mapping[str, Any] | None = None, result: Any = None) -> dict[str, Any]:
    """The names templates see: `params`, `steps[id].outputs/.status`, `run`, and `result`."""
    ctx: dict[str, Any] = {
        "params": dict(params or {}),
        "steps": StepsView(steps or {}),
        "run": dict(run or {}),
    }
    if result is not None:
        ctx["result"] = result
    return ctx


def render(text: str, ctx: Mapping[str, Any]) -> str:
    """Render a template; TemplateError (UndefinedError for unknown names) when it cannot."""
    if not is_template(text):
        return text
    template = _template(text)
    with tb.budget():
        return tb.stream(template.generate(dict(ctx)))


_EXPR = re.compile(r"\{\{(.+?)\}\}", re.DOTALL)


def preview(text: str, ctx: Mapping[str, Any]) -> str:
    """A template rendered as far as it can be now (for people reading a step before it runs):
    the whole text when everything it names is known, else each `{{ expression }}` that can be
    evaluated, the others (and any `{% block %}`) left as written."""
    try:
        return render(text, ctx)
    except Exception:  # noqa: BLE001 - a preview never fails; what is unknown stays as written
        return _EXPR.sub(lambda match: _value_or_source(match, ctx), text)


def _value_or_source(match: re.Match[str], ctx: Mapping[str, Any]) -> str:
    """The value of one `{{ expression }}`, or the expression as written when it is unknown."""
    try:
        return str(evaluate(match.group(1).strip(), ctx))
    except Exception:  # noqa: BLE001
        return match.group(0)


def evaluate(expr: str, ctx: Mapping[str, Any]) -> Any:
    """The value of a bare expression (`check`, `until`, `when`, `outputs`)."""
    with tb.budget():
        value = _expression(expr)(**dict(ctx))
    if isinstance(value, StrictUndefined):
        str(value)  # raises UndefinedError naming what is missing
    if isinstance(value, str) and len(value) > MAX_OUTPUT:
        raise TemplateLimitError(f"a value longer than {MAX_OUTPUT:,} characters")
    return tb.check_size(value, tb.MAX_VALUE)


def render_value(value: Any, ctx: Mapping[str, Any]) -> Any:
    """Render every string inside a value (mappings and lists included)."""
    if isinstance(value, str):
        return render(value, ctx)
    if isinstance(value, dict):
        return {k: render_value(v, ctx) for k, v in value.items()}
    if isinstance(value, list):
        return [render_value(v, ctx) for v in value]
    return value


def render_args(args: Mapping[str, Any], ctx: Mapping[str, Any], call: Call | None) -> dict[str, Any]:
    """A step's `with`, rendered, each templated value converted to its argument's type."""
    out: dict[str, Any] = {}
    for name, raw in args.items():
        value = render_value(raw, ctx)
        arg = call.args.get(name) if call else None
        if arg is not None and isinstance(raw, str) and is_template(raw):
            value = convert(value, arg.type, name)
        out[name] = value
    return out


def convert(text: Any, arg_type: str, name: str = "value") -> Any:
    """Rendered text as an integer or boolean when the argument wants one."""
    if not isinstance(text, str):
        return text
    if arg_type == "integer":
        try:
            return int(text.strip())
        except ValueError:
            raise ValueError(f"{name} must be a whole number, got {text!r}") from None
    if arg_type == "boolean":
        lowered = text.strip().lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        raise ValueError(f"{name} must be true or false, got {text!r}")
    return text


def parse_template(text: str) -> nodes.Template:
    """The syntax tree of a template; TemplateSyntaxError when it does not parse."""
    return ENV.parse(text)


def parse_expression(expr: str) -> nodes.Expr:
    """The syntax tree of a bare expression; TemplateSyntaxError when it does not parse."""
    parser = Parser(ENV, expr, state="variable")
    tree = parser.parse_expression()
    if not parser.stream.eos:
        token = parser.stream.current
        parser.fail(f"unexpected {token.value!r} after the expression", token.lineno)
    return tree
