"""A child process for the crash and lock tests: writes events until killed, or holds a run lock.

`python journal_child.py write RUNS_DIR RUN_ID` appends events from eight asyncio writers and a
thread, printing each acknowledged seq on stdout right after its acknowledgement.
`python journal_child.py lock RUN_DIR OPERATOR` takes the run lock, prints `locked`, and sleeps.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
from pathlib import Path

from drp_console.journal import Journal, Redactor, RunLock


def _report(seq: int) -> None:
    os.write(1, f"{seq}\n".encode())


async def _writer(journal: Journal, n: int) -> None:
    i = 0
    while True:
        i += 1
        event = await journal.write("output", step=f"w{n}", stream="stdout", text=f"line {i} " * (i % 7))
        _report(event["seq"])


def _thread_writer(journal: Journal) -> None:
    while True:
        _report(
            journal.write_sync("note", text="from a thread, password hunter2-canary", tag=None, step=None)[
                "seq"
            ]
        )


async def _write(runs_dir: Path, run_id: str) -> None:
    run_dir = runs_dir / run_id
    if (run_dir / "journal.jsonl").exists():
        journal = Journal.open(run_dir, Redactor(["hunter2-canary"]))
    else:
        journal = Journal.create(runs_dir, run_id, Redactor(["hunter2-canary"]))
    os.write(1, b"ready\n")
    threading.Thread(target=_thread_writer, args=(journal,), daemon=True).start()
    await asyncio.gather(*(_writer(journal, n) for n in range(8)))


def main() -> None:
    if sys.argv[1] == "write":
        asyncio.run(_write(Path(sys.argv[2]), sys.argv[3]))
    elif sys.argv[1] == "lock":
        RunLock(Path(sys.argv[2])).acquire(sys.argv[3])
        os.write(1, b"locked\n")
        time.sleep(600)


if __name__ == "__main__":
    main()
