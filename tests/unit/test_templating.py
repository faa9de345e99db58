"""Templates and expressions: the sandbox, strict names, REST records, bounds, conversions."""

from __future__ import annotations

import pytest
from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError

from drp_console.runbook import templating
from drp_console.runbook.catalog import CATALOG


def ctx(result=None):
    return templating.context(
        params={"project": "acme-prod", "size": 3},
        steps={"check": {"outputs": {"state": "FAILED"}, "status": "succeeded"}},
        run={"mode": "simulate", "id": "r1"}, result=result)


def test_render_params_steps_and_run() -> None:
    text = "{{ params.project }} {{ steps['check'].outputs.state }} {{ run.mode }}"
    assert templating.render(text, ctx()) == "acme-prod FAILED simulate"


def test_steps_are_read_when_named_and_a_missing_one_is_said_so() -> None:
    c = ctx()
    assert templating.evaluate("steps | length", c) == 1
    assert templating.render("{% for s in steps %}{{ s }}={{ steps[s].status }}{% endfor %}",
                             c) == "check=succeeded"
    for text in ("{{ steps.chek.status }}", "{{ steps['chek'] }}"):
        with pytest.raises(UndefinedError, match="there is no step 'chek'"):
            templating.render(text, c)
    with pytest.raises(UndefinedError, match="has no attribute 'nope'"):
        templating.render("{{ steps.check.outputs.nope }}", c)


def test_plain_text_is_returned_as_is() -> None:
    assert templating.render("no templates here", ctx()) == "no templates here"


def test_rest_fields_win_over_dict_methods() -> None:
    result = {"items": [{"id": "1"}, {"id": "2"}], "keys": "k", "values": [1]}
    c = ctx(result)
    assert templating.evaluate("result.items | length", c) == 2
    assert templating.evaluate("result.keys", c) == "k"
    assert templating.evaluate("result.values", c) == [1]
    assert templating.evaluate("(result.items | first).id", c) == "1"


def test_unknown_names_and_fields_are_errors() -> None:
    with pytest.raises(UndefinedError):
        templating.render("{{ nope }}", ctx())
    with pytest.raises(UndefinedError):
        templating.render("{{ params.nope }}", ctx())
    with pytest.raises(UndefinedError):
        templating.evaluate("result.state", ctx({"name": "x"}))


def test_missing_field_has_a_default() -> None:
    assert templating.evaluate("result.items | default([]) | length", ctx({})) == 0


def test_sandbox_blocks_internals() -> None:
    with pytest.raises(SecurityError):
        templating.render("{{ ''.__class__.__mro__ }}", ctx())


def test_output_is_bounded() -> None:
    with pytest.raises(TemplateError):
        templating.render("{{ 'A' * 100000000 }}", ctx())
    with pytest.raises(TemplateError):
        templating.evaluate("10 ** 100000", ctx())
    with pytest.raises(TemplateError):
        templating.render("{% for i in range(100000) %}xxxxxxxxxx{% endfor %}", ctx())


def test_syntax_errors() -> None:
    with pytest.raises(TemplateSyntaxError):
        templating.parse_expression("result.state ==")
    with pytest.raises(TemplateSyntaxError):
        templating.parse_expression("a b")
    with pytest.raises(TemplateSyntaxError):
        templating.parse_template("{{ x }")


def test_render_args_converts_templated_values_to_the_argument_type() -> None:
    call = CATALOG["compute.instanceGroupManagers.resize"]
    args = {"project": "{{ params.project }}", "zone": "europe-west1-c",
            "instanceGroupManager": "web-standby-ew1c", "size": "{{ params.size }}"}
    assert templating.render_args(args, ctx(), call) == {
        "project": "acme-prod", "zone": "europe-west1-c",
        "instanceGroupManager": "web-standby-ew1c", "size": 3}


def test_render_args_renders_nested_values() -> None:
    call = CATALOG["sql.instances.patch"]
    args = {"project": "p", "instance": "i", "settings": {"userLabels": {"by": "{{ run.id }}"}}}
    assert templating.render_args(args, ctx(), call)["settings"] == {"userLabels": {"by": "r1"}}


def test_convert_refuses_what_is_not_the_type() -> None:
    assert templating.convert("true", "boolean") is True
    with pytest.raises(ValueError, match="size must be a whole number"):
        templating.convert("three", "integer", "size")
