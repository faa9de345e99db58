"""Start-up work done only when needed: the model's field docstrings are read for the schema,
not at import."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_model_reads_no_docstrings_but_the_schema_has_them() -> None:
    code = ("from drp_console.runbook.model import Runbook\n"
            "before = Runbook.model_fields['title'].description\n"
            "from drp_console.runbook.schema import runbook_schema\n"
            "schema = runbook_schema()\n"
            "print(before, '|', schema['properties']['title']['description'])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    before, _, after = out.stdout.strip().partition(" | ")
    assert before == "None"
    assert after  # the attribute docstring of Runbook.title
