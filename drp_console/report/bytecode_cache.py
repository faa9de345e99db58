"""Compiled report templates kept between runs: a Jinja2 bytecode cache in the user cache dir.

Compiling the report templates costs a noticeable part of a short run; the compiled code is kept
per drp-console and Jinja2 version and per environment (`html` or `text`, whose escaping differs)
under `platformdirs.user_cache_dir("drp-console")/templates`, or `$DRP_CACHE_DIR/templates`.
Jinja2 checks each entry against its template's source and the running Python, and writes entries
atomically; a cache that cannot be read or written only means compiling again.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from jinja2.bccache import Bucket

from drp_console import __version__


def cache_root() -> Path:
    """The drp-console cache directory (`$DRP_CACHE_DIR` when set)."""
    from drp_console.settings import settings

    override = settings().cache_dir
    if override is not None:
        return override
    import platformdirs

    return Path(platformdirs.user_cache_dir("drp-console"))


class _QuietCache(FileSystemBytecodeCache):
    """A bytecode cache that never fails a render: I/O problems mean no caching."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError):
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def bytecode_cache(kind: str) -> FileSystemBytecodeCache | None:
    """The cache for one template environment, or None when its directory cannot be made."""
    import jinja2

    path = cache_root() / "templates" / f"{__version__}-jinja{jinja2.__version__}-{kind}"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _QuietCache(str(path))
