"""Diagnostics: one problem in a document, with its file position, and the error carrying them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Diagnostic:
    """One error or warning about a runbook or scenario file."""

    path: str
    """The file, as the user named it."""
    line: int
    """1-based line; 0 when the document was not read from a file."""
    col: int
    """1-based column; 0 when unknown."""
    where: str
    """The location inside the document, e.g. `steps[3].retry.attempts`."""
    message: str
    """What is wrong and what to do about it."""
    severity: Literal["error", "warning"] = "error"
    """`error` makes the document invalid; a `warning` is printed and the run may go on."""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.where}: {self.message}"

    @property
    def is_error(self) -> bool:
        """True for an error, False for a warning."""
        return self.severity == "error"

    def sort_key(self) -> tuple[str, int, int, str]:
        """Order by file, then position."""
        return (self.path, self.line, self.col, self.message)


class InvalidDocument(Exception):
    """A runbook or scenario that cannot be used; `diagnostics` says every reason (exit 3)."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = sorted(diagnostics, key=Diagnostic.sort_key)
        """Every problem found, errors and warnings, in file order."""
        super().__init__("\n".join(str(d) for d in self.diagnostics))

    @property
    def errors(self) -> list[Diagnostic]:
        """The errors alone."""
        return [d for d in self.diagnostics if d.is_error]
