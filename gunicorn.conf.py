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
# Idle keep-alive connections are kept 5 s (gunicorn's default is 2 s): a browser that thinks
# 2 s between two requests otherwise races the close and sees « connection closed » on a POST
# (19 of 3,020 requests in the 50-user soak, bench/load_journey.py). Behind the reverse proxy
# (README, « Production ») this is the proxy's own upstream connections.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5))
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
