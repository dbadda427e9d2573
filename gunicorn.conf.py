"""Gunicorn settings (read automatically from the working directory).

Access logs go to stdout with site tokens masked: a /sites/<token> URL is a private key to a
user's file and must never be written to logs.
"""

import os

from gunicorn.glogging import Logger

from app.privacy import mask_tokens

bind = f"0.0.0.0:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", 2))
threads = int(os.environ.get("GUNICORN_THREADS", 2))
accesslog = "-"
errorlog = "-"


class TokenMaskingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: mask_tokens(value) if isinstance(value, str) else value for key, value in atoms.items()}


logger_class = TokenMaskingLogger


def post_worker_init(worker):
    """Load the path engine (catalogs, territory dataset) before the worker takes requests: no
    visitor waits the ~2 s it takes, and the data is frozen out of the garbage collector's reach
    (app.parcours.service). Without it, the first requests on each worker queue behind the load."""
    flask_app = getattr(worker, "wsgi", None)
    if not hasattr(flask_app, "app_context"):
        return
    try:
        with flask_app.app_context():
            from app.parcours.service import get_engine

            get_engine()
    except Exception:  # noqa: BLE001 - the first request will load it (and show the error)
        worker.log.exception("warm-up failed: the path engine loads on the first request")
