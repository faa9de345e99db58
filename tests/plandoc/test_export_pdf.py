"""`drp export --format pdf`: headless Chromium prints the plan, and page 1 turned into an image
by pdftoppm shows a page with ink on it. Skipped (with the reason) without those tools."""

from __future__ import annotations

import shutil
import subprocess
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from drp_console.cli import cli
from drp_console.plandoc.pdf import find_browser

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(find_browser() is None, reason="Chromium is not installed (CI installs "
                       "it: apt-get install chromium)"),
    pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm is not installed "
                       "(CI installs it: apt-get install poppler-utils)"),
]


def _png_pixels(png: bytes) -> tuple[int, int, bytes]:
    """(width, height, raw scanlines) of an 8-bit RGB PNG, read with the standard library."""
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    pos, width, height, data = 8, 0, 0, b""
    while pos < len(png):
        length = int.from_bytes(png[pos:pos + 4], "big")
        kind, body = png[pos + 4:pos + 8], png[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height = int.from_bytes(body[:4], "big"), int.from_bytes(body[4:8], "big")
            assert body[8] == 8 and body[9] == 2, "expected 8-bit RGB"
        elif kind == b"IDAT":
            data += body
        pos += 12 + length
    return width, height, zlib.decompress(data)


def test_pdf_page_one_renders_to_an_image_with_the_plan_on_it(tmp_path: Path) -> None:
    pdf = tmp_path / "plan.pdf"
    res = CliRunner().invoke(cli, ["export", str(ROOT / "runbooks" / "zone-outage-web.yaml"),
                                   "-o", str(pdf), "--runs-dir", str(tmp_path / "runs")],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True, capture_output=True, timeout=120)
    (png,) = list(tmp_path.glob("page*.png"))
    width, height, raw = _png_pixels(png.read_bytes())
    assert height > width > 300  # an A4 page, portrait
    rows = [raw[r * (width * 3 + 1) + 1:(r + 1) * (width * 3 + 1)] for r in range(height)]
    inked = [i for i, row in enumerate(rows) if any(b < 128 for b in row)]
    assert len(inked) > height // 4  # text over much of the page, not a blank sheet
    assert inked[0] < height // 8  # the title at the top
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=False)
    if info.returncode == 0:
        pages = int(next(x for x in info.stdout.splitlines() if x.startswith("Pages:")).split()[1])
        assert pages >= 2
