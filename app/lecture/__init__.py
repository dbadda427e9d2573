"""Read-only share links (``/lecture/<secret>``): the site's summary, its path and its step
pages for whoever holds the link, read-only. Access is checked in one place for every route
under the prefix (app.accounts.permissions.check_read_only_request)."""

from flask import Blueprint

bp = Blueprint("lecture", __name__)

from . import routes  # noqa: E402,F401
