"""Rendering plan documents, the plans index and the history page through packaged templates.

The HTML environment autoescapes everything; authors' Markdown (summaries, instructions) is
rendered by markdown-it with raw HTML turned off, so a runbook cannot put markup or script into
the page. In Markdown output, one-line values go through `cell` (inert, table-safe) and authors'
Markdown is kept as written. Jinja2 and markdown-it are loaded on first use.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jinja2 import Environment

    from drp_console.plandoc.document import PlanDoc

FORMATS = ("md", "html")
"""Formats rendered from templates (PDF is printed from the HTML)."""

_DIR = Path(__file__).parent / "templates"
_PLAIN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:+/-]*")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#!~])")


def cell(text: object) -> str:
    """Text made inert for Markdown and its embedded HTML, on one line (table-cell safe)."""
    value = " ".join(str("" if text is None else text).split())
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", value)


def inline(text: object) -> str:
    """Authors' Markdown kept as written, on one line (list-item safe)."""
    return " ".join(str("" if text is None else text).split())


def code(text: object) -> str:
    """An identifier as an inline code span (anything else escaped as text)."""
    value = "" if text is None else str(text)
    return f"`{value}`" if _PLAIN_ID.fullmatch(value) else cell(value)


def code_expr(text: object) -> str:
    """An expression or value as one inline code span, fenced with more backticks than it
    holds (for list items, not table cells)."""
    value = " ".join(str("" if text is None else text).split())
    if not value:
        return '`""`'
    longest = max((len(m) for m in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


@lru_cache(maxsize=1)
def _markdown_it() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def markdown(text: object) -> Any:
    """Authors' Markdown as safe HTML (raw HTML in it is shown as text)."""
    from markupsafe import Markup

    return Markup(_markdown_it().render(str(text or "")))


@lru_cache(maxsize=2)
def environment(html: bool) -> Environment:
    """The template environment, autoescaping for HTML; compiled templates are cached between
    runs (`report.bytecode_cache`)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from drp_console.report.bytecode_cache import bytecode_cache

    env = Environment(loader=FileSystemLoader(_DIR), autoescape=html,
                      bytecode_cache=bytecode_cache("plan-html" if html else "plan-text"),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters.update(cell=cell, inline=inline, code=code, code_expr=code_expr, markdown=markdown)
    return env


@lru_cache(maxsize=1)
def css() -> str:
    """The stylesheet every HTML page embeds."""
    return (_DIR / "base.css").read_text(encoding="utf-8")


def render_plan(doc: PlanDoc, fmt: str, graph_svg: str = "") -> str:
    """A plan document as `md` or `html` (the HTML embeds the step graph SVG)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: choose md or html")
    env = environment(fmt == "html")
    return env.get_template(f"plan.{fmt}.j2").render(d=doc, graph=graph_svg, css=css())


def render_index(entries: list[dict[str, Any]], fmt: str) -> str:
    """The index of exported plans: one entry per runbook (id, title, owner, version, rto,
    rpo, last drill, file)."""
    env = environment(fmt == "html")
    return env.get_template(f"index.{fmt}.j2").render(entries=entries, css=css())


def render_history(context: dict[str, Any]) -> str:
    """The history page (HTML): tables, trend charts and the drills register."""
    return environment(True).get_template("history.html.j2").render(css=css(), **context)
