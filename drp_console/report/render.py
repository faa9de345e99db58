"""Rendering a `Report` as Markdown, single-file HTML, JSON or CSV through packaged templates.

Templates run in Jinja2's sandbox; the HTML environment autoescapes everything, the Markdown one
escapes through the `md` filter, and CSV cells are quoted by the csv module and defused against
spreadsheet formulas.
"""

from __future__ import annotations

import csv
import io
import json
import re
from functools import lru_cache
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from drp_console.report import chart, parts
from drp_console.report.bytecode_cache import bytecode_cache
from drp_console.report.model import Report
from drp_console.runbook.durations import format_duration

FORMATS = ("md", "html", "json", "csv")
"""Formats `render` knows, also the report files' extensions."""

TEMPLATES = {"md": "report.md.j2", "html": "report.html.j2", "json": "report.json.j2",
             "csv": "steps.csv.j2"}
_DIR = Path(__file__).parent / "templates"
_MODEL_TYPES = frozenset(
    [Report, chart.Bar, chart.Line, chart.Chart]
    + [v for v in vars(parts).values() if isinstance(v, type) and issubclass(v, parts.Part)]
)
_PLAIN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:+/-]*")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#!~])")


def duration(seconds: float | None) -> str:
    """`4m05s`, or an em dash for an unknown duration."""
    return "—" if seconds is None else format_duration(seconds)


def md(text: object) -> str:
    """Text made inert for Markdown and its embedded HTML, on one line (table-cell safe)."""
    value = " ".join(str("" if text is None else text).split())
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", value)


def code(text: object) -> str:
    """An identifier as an inline code span; anything that is not a plain identifier is
    escaped as text instead (no renderer can then read markup into it)."""
    value = "" if text is None else str(text)
    return f"`{value}`" if _PLAIN_ID.fullmatch(value) else md(value)


def csv_cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_row(values: list[object]) -> str:
    """One CSV line (without the newline)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow([csv_cell(v) for v in values])
    return buffer.getvalue()


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


class ReportEnvironment(SandboxedEnvironment):
    """The sandbox, with a fast path for the report's own frozen models: their public fields are
    what the templates read, so the generic (slow) internal-attribute check is skipped for them."""

    def is_safe_attribute(self, obj: object, attr: str, value: object) -> bool:
        if type(obj) in _MODEL_TYPES:
            return not attr.startswith("_") and not attr.startswith("model_")
        return super().is_safe_attribute(obj, attr, value)


def json_text(report: Report) -> str:
    """The report as JSON: one top-level key per line, one list item (a step, a note) per line,
    so it diffs well and still goes through the fast C encoder."""
    data = report.model_dump(mode="json")
    lines = []
    for key, value in data.items():
        name = json.dumps(key)
        if isinstance(value, list) and value:
            items = ",\n  ".join(json.dumps(v, ensure_ascii=False) for v in value)
            lines.append(f"{name}: [\n  {items}\n]")
        else:
            lines.append(f"{name}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(lines) + "\n}"


@lru_cache(maxsize=2)
def environment(html: bool) -> SandboxedEnvironment:
    """The sandboxed template environment, autoescaping for HTML; compiled templates are
    cached between runs (`bytecode_cache`)."""
    env = ReportEnvironment(
        loader=FileSystemLoader(_DIR),
        bytecode_cache=bytecode_cache("report-html" if html else "report-text"),
        autoescape=html,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(duration=duration, md=md, code=code, csv_row=csv_row, num=_number)
    return env


def render(report: Report, fmt: str) -> str:
    """The report in one format: `md`, `html`, `json` or `csv`."""
    if fmt not in TEMPLATES:
        raise ValueError(f"unknown report format {fmt!r}: choose one of {', '.join(FORMATS)}")
    context: dict[str, object] = {"r": report}
    if fmt == "html":
        context["chart"] = chart.layout(report)
    if fmt == "md":
        context["text_chart"] = chart.text_chart(report)
    if fmt == "json":
        context["payload"] = json_text(report)
    return environment(fmt == "html").get_template(TEMPLATES[fmt]).render(context)
