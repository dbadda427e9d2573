"""The task queue: Huey, on SQLite by default (a file under ``instance/``, nothing to install,
tasks survive a restart), on Redis in production (``HUEY_REDIS_URL``).

Why Huey: a maintained, small library whose SQLite storage needs no server, so that ``make
run`` works on a fresh machine, while the same code runs on Redis in production; a task
enqueued before a restart is still in the storage afterwards. What a task was doing when its
worker stopped is not kept by Huey: the portfolio jobs store their progress in the database
and :func:`app.portfolio.jobs.resume_stale_imports` re-enqueues them (at start-up and every
minute).

Workers: ``flask --app app worker`` (``Procfile``: ``worker:``), started by ``make run`` with
the web server. Tasks run inside an app context: the request's when run in immediate mode,
else the worker's app (created once per process from the environment, or bound with
:func:`bind_app`).

Settings (environment): ``HUEY_REDIS_URL`` (Redis URL; else SQLite), ``HUEY_SQLITE_PATH``
(default ``instance/huey.sqlite``), ``HUEY_IMMEDIATE`` (run tasks in the caller, for
development without a worker), ``HUEY_WORKERS`` (default 1).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from huey import RedisHuey, SqliteHuey

from app.config import ROOT

NAME = "parcours-friches"
_bound_app = None


def make_huey():
    redis_url = os.environ.get("HUEY_REDIS_URL")
    immediate = os.environ.get("HUEY_IMMEDIATE", "").strip().lower() in {"1", "true", "oui", "yes", "on"}
    if redis_url:
        return RedisHuey(NAME, url=redis_url, immediate=immediate)
    path = Path(os.environ.get("HUEY_SQLITE_PATH") or ROOT / "instance" / "huey.sqlite")
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(NAME, filename=str(path), immediate=immediate)


huey = make_huey()


def bind_app(app) -> None:
    """The app that tasks run in when no app context is active (worker, tests)."""
    global _bound_app
    _bound_app = app


@contextlib.contextmanager
def app_context():
    from flask import has_app_context

    global _bound_app
    if has_app_context():
        yield
        return
    if _bound_app is None:
        from app import create_app

        _bound_app = create_app()
    with _bound_app.app_context():
        try:
            yield
        finally:
            from app.extensions import db

            db.session.remove()


def run_worker(app, workers: int | None = None) -> None:
    """Run a Huey consumer in this process (blocking), tasks running in ``app``."""
    bind_app(app)
    import app.portfolio.jobs  # noqa: F401 - register the tasks

    workers = workers or int(os.environ.get("HUEY_WORKERS", 1))
    consumer = huey.create_consumer(
        workers=workers, worker_type="thread", periodic=True, check_worker_health=True
    )
    consumer.run()
