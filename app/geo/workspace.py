"""Temporary folders for perimeter files read by GDAL, removed even when a worker dies.

Every folder lives under one root (``$TMPDIR/parcours-friches``) and is named after the
process that made it. :func:`directory` removes its folder on exit; a process killed hard
(SIGKILL, out of memory, timeout of a child) leaves it behind, so :func:`clean_stale` — called
when the app starts — removes folders whose process is gone or that are older than
``STALE_SECONDS``. No Flask import.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

STALE_SECONDS = 600  # far above the upload time budget (app.geo.sandbox)


def root() -> Path:
    path = Path(os.environ.get("PERIMETER_TMPDIR") or tempfile.gettempdir()) / "parcours-friches"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def directory() -> Iterator[str]:
    """A fresh private folder, removed on exit (whatever happens inside)."""
    path = tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=root())
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale(max_age: float = STALE_SECONDS) -> int:
    """Remove folders left by dead processes, or older than ``max_age`` seconds; returns how
    many were removed. Never raises: a cleanup problem must not stop the service."""
    removed = 0
    try:
        entries = list(root().iterdir())
    except OSError:
        return 0
    now = time.time()
    for entry in entries:
        try:
            pid = int(entry.name.split("-", 1)[0])
        except ValueError:
            pid = None
        try:
            old = now - entry.stat().st_mtime > max_age
        except OSError:
            continue
        if old or pid is None or not _alive(pid):
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    entry.unlink()
            removed += 1
    return removed
