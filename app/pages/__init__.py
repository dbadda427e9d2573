"""Public pages every French public service must have, the home page and /healthz."""

from flask import Blueprint

bp = Blueprint("pages", __name__)

from app.pages import formats, glossaire, routes  # noqa: E402,F401
