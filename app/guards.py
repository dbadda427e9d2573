"""Bad input never reaches a view as a 500: malformed site tokens and NUL bytes are refused
at the door (PostgreSQL rejects NUL in text, SQLite stores it: either way it is no input)."""

from __future__ import annotations

import re

from flask import Flask, abort, request

TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")  # models.new_token: 32 URL-safe characters
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def _has_nul(multidict) -> bool:
    return any(
        "\x00" in value for values in multidict.listvalues() for value in values if isinstance(value, str)
    )


def init_guards(app: Flask) -> None:
    @app.url_value_preprocessor
    def malformed_token_is_unknown(endpoint, values):
        token = (values or {}).get("token")
        if token is not None and not TOKEN.match(token):
            abort(404)  # the same answer as an unknown token: no hint

    @app.before_request
    def refuse_nul_bytes():
        if "\x00" in request.path or _has_nul(request.args):
            abort(400)
        if request.method in ("POST", "PUT", "PATCH") and request.mimetype in FORM_TYPES:
            if _has_nul(request.form) or any("\x00" in (f.filename or "") for f in request.files.values()):
                abort(400)
