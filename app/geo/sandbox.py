"""Run native geometry work (GDAL, GEOS) in a child process under a wall-clock and memory budget.

GDAL and GEOS run native code that a Python thread cannot interrupt, and gunicorn's timeout
does not kill a gthread worker that keeps heart-beating: a hostile file or a self-intersecting
ring (repairing a 200-vertex star takes GEOS about 3 minutes) could otherwise hold a worker
until restart. The child is a fork of the worker: everything is already imported, so a call costs
a few milliseconds (a new interpreter would import the app for about 3 s). It only computes on
the bytes it is given and sends back a picklable result, touching neither the database nor the
logs, and leaves with ``os._exit``. Past the budget it is killed and its temporary folder removed;
its address space is capped by ``RLIMIT_AS``. No Flask import.
"""

from __future__ import annotations

import multiprocessing
import resource
import shutil

from . import workspace
from .errors import GeoError

DEFAULT_SECONDS = 10.0
DEFAULT_MEMORY_BYTES = 2 * 1024**3
TOO_BIG = "Le traitement du périmètre demande trop de mémoire : simplifiez le contour et réessayez."
UNREADABLE = "Le fichier n'a pas pu être lu (format invalide ou corrompu)."

_FORK = multiprocessing.get_context("fork")
_in_child = False


class Timeout(GeoError):
    """The child ran out of time (the caller turns it into its own French message)."""


def _child(conn, fn, args, memory: int) -> None:
    global _in_child
    _in_child = True
    try:
        if memory:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        conn.send(("ok", fn(*args)))
    except GeoError as exc:
        conn.send(("error", str(exc)))
    except MemoryError:
        conn.send(("error", TOO_BIG))
    except Exception:  # noqa: BLE001 - any native failure is an unusable input for the user
        conn.send(("error", UNREADABLE))
    finally:
        conn.close()


def run_bounded(fn, *args, seconds: float = DEFAULT_SECONDS, memory: int = DEFAULT_MEMORY_BYTES):
    """``fn(*args)`` in a forked child: its result, its GeoError, :class:`Timeout` past
    ``seconds``, GeoError (French) when it runs out of memory. Called from inside a child, runs
    in place (the outer budget holds)."""
    if _in_child:
        return fn(*args)
    parent, child = _FORK.Pipe(duplex=False)
    process = _FORK.Process(target=_child, args=(child, fn, args, memory), daemon=True)
    process.start()
    child.close()
    try:
        if not parent.poll(seconds):
            raise Timeout("délai dépassé")
        try:
            status, payload = parent.recv()
        except EOFError as exc:  # killed (out of memory…) before answering
            raise GeoError(TOO_BIG) from exc
    finally:
        parent.close()
        if process.is_alive():
            process.kill()
        process.join(5)
        _remove_folders_of(process.pid)
    if status != "ok":
        raise GeoError(payload)
    return payload


def _remove_folders_of(pid: int | None) -> None:
    if pid is None:
        return
    for entry in workspace.root().glob(f"{pid}-*"):
        shutil.rmtree(entry, ignore_errors=True)
