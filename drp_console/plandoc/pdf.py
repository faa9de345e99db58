"""PDF through headless Chromium's print-to-PDF: a real browser lays out the HTML plan."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
"""Names looked up on PATH, in order."""
TIMEOUT_S = 180
"""Longest a print may take."""


class PdfError(Exception):
    """The print failed; the message says what to do."""


class NoBrowser(PdfError):
    """No Chromium to print with."""


def find_browser() -> str | None:
    """The first headless-capable Chromium on PATH, else None."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def print_pdf(html: str, out: Path, browser: str | None = None) -> Path:
    """Write `html` as a PDF at `out` (through a temporary file and a throwaway profile)."""
    browser = browser or find_browser()
    if browser is None:
        raise NoBrowser("PDF needs Chromium and none was found (looked for "
                       + ", ".join(BROWSERS) + "): install it (apt-get install chromium) or "
                       "export --format html and print that")
    with tempfile.TemporaryDirectory(prefix="drp-pdf-") as tmp:
        page = Path(tmp) / "plan.html"
        page.write_text(html, encoding="utf-8")
        printed = Path(tmp) / "plan.pdf"
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update",
                   "--disable-sync", "--disable-extensions", f"--user-data-dir={tmp}/profile",
                   "--no-pdf-header-footer", "--print-to-pdf-no-header",  # new and old name
                   f"--print-to-pdf={printed}", page.as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S,
                                  check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PdfError(f"{browser} could not print the PDF: {exc}") from exc
        if not printed.is_file() or not printed.read_bytes().startswith(b"%PDF"):
            tail = (done.stderr or "").strip().splitlines()[-1:] or ["no output"]
            raise PdfError(f"{browser} printed no PDF (exit {done.returncode}: {tail[0]})")
        partial = out.with_name(f".{out.name}.partial")
        shutil.copyfile(printed, partial)
        partial.replace(out)
    return out
