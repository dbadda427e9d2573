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
    """Load the territory dataset before the worker takes requests (the content is loaded by
    create_app): no visitor waits for it, and long-lived data is frozen out of the garbage
    collector's reach (app.parcours.service). A failure is logged; the first request retries."""
    try:
        from app.parcours.service import freeze_long_lived

        freeze_long_lived()
    except Exception:  # noqa: BLE001 - the first request will load it (and show the error)
        worker.log.exception("warm-up failed: the territory dataset loads on the first request")
