"""Templates cannot freeze the run: loops, sizes and time are budgeted while rendering (issue 11)."""

from __future__ import annotations

import pytest

from drp_console.runbook import templating
from drp_console.runbook.template_budget import (
    MAX_ITERATIONS,
    MAX_RANGE,
    TemplateLimitError,
)

CTX = templating.context(params={"name": "web-1"}, run={"id": "r1", "mode": "simulate"})


@pytest.mark.parametrize("text,words", [
    ("{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
     f"at most {MAX_RANGE:,}"),
    ("{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}",
     f"more than {MAX_ITERATIONS:,} loop iterations"),
    ("{% set a = [1]*60000 %}{% for i in a %}{% for j in a %}{% endfor %}{% endfor %}",
     "loop iterations"),
    ("{{ [[1]*60000]*60000 }}", "a value longer than"),
    ("{{ ([[1]*60000]*60000)|string }}", "a value longer than"),
    ("{{ (['x'*60000]*60000)|join }}", "a value longer than"),
    ("{% set s = 'x'*60000 %}{% set s = s ~ s %}{% set s = s ~ s %}{{ s }}", "longer than"),
    ("{% set s = [1]*60000 %}{{ (s + s + s)|length }}", "longer than"),
    ("{{ ('x'*60000).replace('x', 'y'*60000) }}", "replace would make"),
    ("{{ 'x'|center(1000000000) }}", "center with 1,000,000,000"),
    ("{{ 'x'.ljust(1000000000) }}", "ljust with 1,000,000,000"),
    ("{% for i in range(5000) %}{{ 'x' * 60 }}{% endfor %}", "rendered to more than"),
])
def test_runaway_templates_fail_at_once_with_a_sentence(text, words) -> None:
    with pytest.raises(TemplateLimitError, match=words.replace("(", r"\(").replace(")", r"\)")):
        templating.render(text, CTX)


def test_runaway_expressions_fail_too() -> None:
    with pytest.raises(TemplateLimitError):
        templating.evaluate("[[1]*60000]*60000", CTX)
    assert templating.evaluate("([[1]*600]*600)|length", CTX) == 600


def test_ordinary_templates_still_render() -> None:
    text = ("{{ params.name|upper }} {{ run.id }} {% for i in range(3) %}{{ i }}{% endfor %} "
            "{{ ['a', 'b']|join(',') }} {{ 'a' ~ 1 }} {{ {'k': 1}|tojson }} "
            "{{ 'a-b'.replace('-', '_') }} {{ [1] + [2] }} {{ 'x' * 3 }}")
    assert templating.render(text, CTX) == "WEB-1 r1 012 a,b a1 {\"k\": 1} a_b [1, 2] xxx"
