"""Headless Chromium driven through the DevTools protocol (a websocket, aiohttp's client), for the
tests that look at a served page: open it, evaluate JavaScript in it, capture it as a PNG.

`find_chromium()` is None where no Chromium is installed; those tests skip, saying so.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import subprocess
from pathlib import Path
from typing import Any

import aiohttp

XTERM_HOOK = """
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "terminal", {value, writable: true, configurable: true,
                                             enumerable: true});
    if (value && value.buffer) { (window.__terminals = window.__terminals || []).push(value); }
  },
});
"""
"""Run before the page's own scripts: every xterm.js Terminal assigned to an object's `terminal`
(as textual-serve's page keeps it) is also kept in `window.__terminals`, so a test can read the
terminal's text (a WebGL/canvas renderer draws it, the DOM does not hold it)."""

SCREEN_TEXT = """
(() => {
  const term = (window.__terminals || [])[0];
  if (!term) { return ""; }
  const buffer = term.buffer.active, lines = [];
  for (let i = 0; i < term.rows; i++) {
    const line = buffer.getLine(buffer.viewportY + i);
    lines.push(line ? line.translateToString(true) : "");
  }
  return lines.join("\\n");
})()
"""
"""The terminal's visible text, one line per row."""

COLOURS = """
(async (data) => {
  const img = new Image();
  img.src = "data:image/png;base64," + data;
  await img.decode();
  const canvas = document.createElement("canvas");
  canvas.width = img.width; canvas.height = img.height;
  const ctx = canvas.getContext("2d");
  ctx.drawImage(img, 0, 0);
  const pixels = ctx.getImageData(0, 0, img.width, img.height).data, seen = new Set();
  for (let i = 0; i < pixels.length; i += 4 * 7) {
    seen.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
  }
  return [img.width, img.height, seen.size];
})
"""
"""(width, height, distinct colours sampled) of a PNG, decoded by the browser itself."""


def find_chromium() -> str | None:
    """The first Chromium on PATH (as `drp export --format pdf` looks for it), else None."""
    from drp_console.plandoc.pdf import find_browser

    return find_browser()


class Page:
    """One page of a headless Chromium, commanded over the DevTools protocol."""

    def __init__(self, browser: str, profile: Path, size: tuple[int, int] = (1280, 800)) -> None:
        self.browser, self.profile, self.size = browser, profile, size
        self._proc: subprocess.Popen[bytes] | None = None
        self._http: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._ids = itertools.count(1)

    async def __aenter__(self) -> Page:
        width, height = self.size
        self._proc = subprocess.Popen(
            [self.browser, "--headless", "--no-sandbox", "--no-first-run", "--disable-extensions",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--remote-debugging-port=0", f"--user-data-dir={self.profile}",
             f"--window-size={width},{height}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = self.profile / "DevToolsActivePort"
        for _ in range(300):  # a guard against hanging, not a timing assertion
            if port_file.exists() and port_file.read_text().strip():
                break
            if self._proc.poll() is not None:
                raise AssertionError(f"{self.browser} exited with {self._proc.returncode}")
            await asyncio.sleep(0.05)
        port = int(port_file.read_text().splitlines()[0])
        self._http = aiohttp.ClientSession()
        async with self._http.get(f"http://127.0.0.1:{port}/json/list") as resp:
            targets = await resp.json()
        (page,) = [t for t in targets if t["type"] == "page"]
        self._ws = await self._http.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._http is not None:
            await self._http.close()
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(10)

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        """One DevTools command; its result (AssertionError on a protocol error)."""
        assert self._ws is not None
        call = next(self._ids)
        await self._ws.send_str(json.dumps({"id": call, "method": method, "params": params}))
        while True:
            message = json.loads((await self._ws.receive()).data)
            if message.get("id") == call:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                return dict(message["result"])

    async def evaluate(self, expression: str, *args: Any) -> Any:
        """The value of a JavaScript expression (a function, called with `args`, when given)."""
        if args:
            expression = f"({expression})(...{json.dumps(list(args))})"
        result = await self.send("Runtime.evaluate", expression=expression, awaitPromise=True,
                                 returnByValue=True)
        if "exceptionDetails" in result:
            raise AssertionError(f"script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def open(self, url: str, before: str = "") -> None:
        """Navigate to `url`, running the script `before` ahead of the page's own."""
        await self.send("Page.enable")
        width, height = self.size
        await self.send("Emulation.setDeviceMetricsOverride", width=width, height=height,
                        deviceScaleFactor=1, mobile=False)
        if before:
            await self.send("Page.addScriptToEvaluateOnNewDocument", source=before)
        await self.send("Page.navigate", url=url)

    async def screenshot(self, path: Path) -> bytes:
        """The page as a PNG, also written to `path`."""
        data = (await self.send("Page.captureScreenshot", format="png"))["data"]
        png = base64.b64decode(data)
        path.write_bytes(png)
        return png

    async def png_colours(self, png: bytes) -> tuple[int, int, int]:
        """(width, height, distinct colours) of a PNG, as the browser decodes it."""
        width, height, colours = await self.evaluate(COLOURS, base64.b64encode(png).decode())
        return int(width), int(height), int(colours)
