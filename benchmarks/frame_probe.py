"""Time to the first frame that shows what the operator came for, through the real entry point.

`FrameProbe` is a Textual driver (selected with `TEXTUAL_DRIVER=frame_probe:FrameProbe`) that
takes every frame the app writes, as a terminal would receive it, strips the escape sequences
and watches the text: when every word of `BENCH_FRAME_WANT` (`|`-separated) has been on screen,
it prints `FRAME_LIST <epoch seconds> <google.cloud modules loaded> <CPU seconds>`; when the text matches
`BENCH_FRAME_DONE` (a regular expression) it prints `FRAME_DONE <epoch seconds>` and ends the
process. Unlike a headless app, the frames are rendered and encoded, as in a terminal.

`bench_ui.py` runs `drp` with no arguments (the launcher on `./runbooks`, as an operator starts
it) and a bare Textual app under this driver. The module stays small: both processes import it.
"""

from __future__ import annotations

import os
import re
import sys
import time

from textual.drivers.headless_driver import HeadlessDriver

_ESCAPES = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[=>78]")

class FrameProbe(HeadlessDriver):
    """A headless driver that receives the frames (see the module docstring)."""

    _seen = ""
    _listed = False

    @property
    def is_headless(self) -> bool:
        return False  # so the app renders and writes its frames to `write`

    def _get_terminal_size(self) -> tuple[int, int]:
        return 120, 40

    def write(self, data: str) -> None:
        cls = FrameProbe
        cls._seen += _ESCAPES.sub("", data)
        want = [w for w in os.environ.get("BENCH_FRAME_WANT", "").split("|") if w]
        if not cls._listed and all(w in cls._seen for w in want):
            cls._listed = True
            google = ",".join(sorted(m for m in sys.modules if m.startswith("google.cloud")))
            os.write(1, f"FRAME_LIST {time.time()} {google or '-'} {time.process_time()}\n"
                     .encode())
        done = os.environ.get("BENCH_FRAME_DONE", "")
        if cls._listed and (not done or re.search(done, cls._seen)):
            os.write(1, f"FRAME_DONE {time.time()}\n".encode())
            os._exit(0)
