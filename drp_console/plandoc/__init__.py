"""The written plan and the evidence of its testing, for auditors and the binder on the shelf.

`drp export` turns a runbook into a plan document (Markdown, HTML with the step graph drawn as
SVG, or PDF through headless Chromium); `drp history` lists every run of each runbook over time,
with RTO trends and a drills register that says which runbooks are overdue for a test.
Reads runbooks and journals only (`plandoc -> journal, runbook`, and the report's atomic
writer); Jinja2 is loaded when a document is rendered, never at import of this package.
"""
