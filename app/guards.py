"""What every request goes through: malformed site tokens and NUL bytes are refused at the door
(PostgreSQL rejects NUL in text, SQLite stores it: either way it is no input); private pages
(anything under a site token) are never stored by a browser or a proxy cache; the private link
is put back into flash messages when shown, never kept in the session cookie."""

from __future__ import annotations

import re

from flask import Flask, abort, get_flashed_messages, request

TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")  # models.new_token: 32 URL-safe characters
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def _has_nul(multidict) -> bool:
    return any(
        "\x00" in value for values in multidict.listvalues() for value in values if isinstance(value, str)
    )


def init_guards(app: Flask) -> None:
    init_private_pages(app)

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


def init_private_pages(app: Flask) -> None:
    from app.sites.service import private_link_in

    @app.after_request
    def private_pages_are_not_stored(response):
        if (request.view_args or {}).get("token") is not None or request.path.startswith("/sites/"):
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
        return response

    def flashed_messages(with_categories: bool = False, category_filter=()):
        messages = get_flashed_messages(with_categories=with_categories, category_filter=category_filter)
        if with_categories:
            return [(category, private_link_in(message)) for category, message in messages]
        return [private_link_in(message) for message in messages]

    app.jinja_env.globals["get_flashed_messages"] = flashed_messages
