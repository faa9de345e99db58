"""Writing a run's reports into its directory: every format, atomically, readable by the owner only."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from datetime import tzinfo
from pathlib import Path

from drp_console.report.model import Report, build_report
from drp_console.report.render import FORMATS, render

JOURNAL_FILE = "journal.jsonl"


def load_report(
    run_dir: Path | str, tz: str | tzinfo | None = None, *, in_progress: bool | None = None
) -> Report:
    """The report of the run in `run_dir`, read without changing its journal (a torn last line
    is ignored). A run without `run_finished` is `in progress` when `in_progress` is True, or,
    when it is None, while a console holds the run's lock; else `interrupted`. Raises
    JournalError or ReportError with what to do."""
    from drp_console.journal.events import JournalError, parse_journal
    from drp_console.journal.lock import lock_holder

    path = Path(run_dir) / JOURNAL_FILE
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise JournalError(
            f"there is no journal at {path}: check the run id or directory (`drp runs` lists the "
            "runs)"
        ) from None
    except OSError as exc:
        raise JournalError(f"cannot read the journal {path}: {exc.strerror or exc}") from exc
    parsed = parse_journal(data, path)
    sha = hashlib.sha256(data[: parsed.good_length]).hexdigest()
    if in_progress is None:
        in_progress = lock_holder(run_dir) is not None
    return build_report(parsed.events, tz, journal_sha256=sha, in_progress=in_progress)


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temp file in the same directory: fsync, rename, fsync the
    directory; the file is 0600 from its creation."""
    write_all_atomic({path: text})


def write_all_atomic(files: dict[Path, str]) -> None:
    """`write_atomic` for several files of one directory at once: every temp file written, all
    fsynced together (one thread each: the file system commits them at once), then each renamed
    into place, then the directory fsynced once. Each file is replaced whole or not at all; when
    one cannot be written (a full disk, text that cannot be encoded), none is replaced and no
    temp file is left."""
    from concurrent.futures import ThreadPoolExecutor

    temps: list[tuple[str, Path]] = []
    handles = []
    try:
        for path, text in files.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            temps.append((tmp, path))
            os.fchmod(fd, 0o600)
            handles.append(os.fdopen(fd, "w", encoding="utf-8", newline=""))
            handles[-1].write(text)
            handles[-1].flush()
        if len(handles) > 1:
            with ThreadPoolExecutor(len(handles)) as pool:
                list(pool.map(os.fsync, [h.fileno() for h in handles]))
        elif handles:
            os.fsync(handles[0].fileno())
        for handle in handles:
            handle.close()
        for tmp, path in temps:
            os.replace(tmp, path)
    except BaseException:
        for handle in handles:
            with contextlib.suppress(OSError, ValueError):
                handle.close()
        for tmp, _ in temps:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise
    for folder in dict.fromkeys(path.parent for path in files):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def write_reports(
    run_dir: Path | str, tz: str | tzinfo | None = None, *, in_progress: bool | None = None
) -> dict[str, Path]:
    """Write `report.md`, `report.html`, `report.json` and `report.csv` into `run_dir`;
    returns format -> path. `in_progress` as for `load_report`."""
    run_dir = Path(run_dir)
    report = load_report(run_dir, tz, in_progress=in_progress)
    written = {fmt: run_dir / f"report.{fmt}" for fmt in FORMATS}
    write_all_atomic({path: render(report, fmt) for fmt, path in written.items()})
    return written


def where_report(run_id: str, run_dir: Path | str | None) -> str:
    """A sentence naming a finished run's report files and the command that writes them again."""
    md = Path(run_dir) / "report.md" if run_dir is not None else None
    if md is not None and md.exists():
        return (f"Its report: {md} (and .html, .json, .csv); `drp report {run_id}` writes it "
                "again.")
    return f"Write its report with: drp report {run_id}"
