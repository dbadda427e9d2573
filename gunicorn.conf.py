"""Gunicorn settings (read automatically from the working directory).

Access logs go to stdout with site tokens masked: a /sites/<token> URL is a private key to a
user's file and must never be written to logs.
"""

import os

from gunicorn.glogging import Logger

from app.privacy import mask_tokens

bind = f"0.0.0.0:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", 2))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
accesslog = "-"
errorlog = "-"


class TokenMaskingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: mask_tokens(value) if isinstance(value, str) else value for key, value in atoms.items()}


logger_class = TokenMaskingLogger
